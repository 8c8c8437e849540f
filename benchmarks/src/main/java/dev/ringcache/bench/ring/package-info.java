/**
 * Benchmarks and reports for the consistent-hash ring ({@code dev.ringcache.ring}), measured beside
 * its peers: spymemcached's Ketama locator, Jedis 6 sharding and Guava's jump hash.
 */
@NullMarked
package dev.ringcache.bench.ring;

import org.jspecify.annotations.NullMarked;
