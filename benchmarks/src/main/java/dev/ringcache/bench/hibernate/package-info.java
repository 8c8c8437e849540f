/**
 * End-to-end Hibernate benchmarks: the same entities, the same PostgreSQL and the same Redis under
 * ringcache (on Redis, on Memcached, in process), Redisson's region factory, Hibernate's JCache
 * provider over Caffeine, and no second-level cache, in one run ({@link
 * dev.ringcache.bench.hibernate.HibernateCacheComparison}), with the cache and database commands
 * each operation costs counted by the servers.
 */
@NullMarked
package dev.ringcache.bench.hibernate;

import org.jspecify.annotations.NullMarked;
