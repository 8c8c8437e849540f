/**
 * Benchmarks for cache-api ({@code dev.ringcache.api}), each measured beside its peers in one run:
 * the value codec against Java serialization, and reads through the router against a raw client.
 */
@NullMarked
package dev.ringcache.bench.api;

import org.jspecify.annotations.NullMarked;
