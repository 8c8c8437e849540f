/**
 * The node SPI, the entry protocol, canonical keys and the value codec, and the router that
 * spreads keys over nodes with a {@code dev.ringcache.ring.ConsistentHashRing} (DESIGN.md §3–4).
 * Filled in by the cache-nodes issues.
 */
@NullMarked
package dev.ringcache.api;

import org.jspecify.annotations.NullMarked;
