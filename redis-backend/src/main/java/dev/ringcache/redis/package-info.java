/**
 * Redis cache nodes ({@code redis://}, {@code rediss://}) over Jedis, found by ServiceLoader. The
 * entry protocol runs as one Lua script, loaded once per server and called by its SHA.
 */
@NullMarked
package dev.ringcache.redis;

import org.jspecify.annotations.NullMarked;
