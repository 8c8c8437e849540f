/**
 * End-to-end Hibernate benchmarks: the same entities and the same PostgreSQL under ringcache (on
 * Redis, on Memcached, in process), Redisson's region factory, Hibernate's JCache provider over
 * Caffeine, and no second-level cache.
 */
@NullMarked
package dev.ringcache.bench.hibernate;

import org.jspecify.annotations.NullMarked;
