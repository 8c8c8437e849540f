/**
 * Redis cache nodes ({@code redis://}, {@code rediss://}) over Jedis, found by ServiceLoader.
 * Filled in by the cache-nodes issues.
 */
@NullMarked
package dev.ringcache.redis;

import org.jspecify.annotations.NullMarked;
