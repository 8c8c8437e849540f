/**
 * Benchmarks for the Memcached backend ({@code dev.ringcache.memcached}), measured beside a raw
 * spymemcached client against the same server in one run.
 */
@NullMarked
package dev.ringcache.bench.memcached;

import org.jspecify.annotations.NullMarked;
