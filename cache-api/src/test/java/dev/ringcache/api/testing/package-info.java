/**
 * Real Redis and Memcached servers for tests: started by the tests themselves, in containers where
 * a Docker engine answers, otherwise as local processes on free loopback ports (DESIGN.md §8).
 * Start with {@link dev.ringcache.api.testing.TestServers}. Shared with the other modules through
 * cache-api's test-jar.
 */
@NullMarked
package dev.ringcache.api.testing;

import org.jspecify.annotations.NullMarked;
