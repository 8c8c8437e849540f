/**
 * Memcached cache nodes ({@code memcached://}) over spymemcached, found by ServiceLoader.
 * Filled in by the cache-nodes issues.
 */
@NullMarked
package dev.ringcache.memcached;

import org.jspecify.annotations.NullMarked;
