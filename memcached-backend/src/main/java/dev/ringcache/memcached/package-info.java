/**
 * Memcached cache nodes ({@code memcached://}) over spymemcached, found by ServiceLoader through
 * {@link dev.ringcache.memcached.MemcachedNodeProvider}, the package's only public type. Each key
 * holds one item with the whole record of the entry protocol; every protocol step is a
 * {@code gets} and, if the record changed, one {@code add} or {@code cas}.
 */
@NullMarked
package dev.ringcache.memcached;

import org.jspecify.annotations.NullMarked;
