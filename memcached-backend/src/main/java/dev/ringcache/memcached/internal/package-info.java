/**
 * What spymemcached needs to find by name, so it must be public; no compatibility promise.
 */
@NullMarked
package dev.ringcache.memcached.internal;

import org.jspecify.annotations.NullMarked;
