/**
 * For implementors of cache nodes: the node interface, the provider found by ServiceLoader, and the
 * reference state machine of the entry protocol that every node must reproduce step for step.
 */
@NullMarked
package dev.ringcache.api.spi;

import org.jspecify.annotations.NullMarked;
