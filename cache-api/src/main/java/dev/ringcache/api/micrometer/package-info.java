/**
 * {@link dev.ringcache.api.CacheMetrics} as Micrometer meters. The only package of cache-api that
 * uses Micrometer, an optional dependency: add {@code io.micrometer:micrometer-core} to use it.
 */
@NullMarked
package dev.ringcache.api.micrometer;

import org.jspecify.annotations.NullMarked;
