/**
 * The consistent-hash ring that decides which cache node owns each key.
 *
 * <p>{@link dev.ringcache.ring.ConsistentHashRing} is the entry point; {@link
 * dev.ringcache.ring.Placement} names how keys and nodes are hashed onto it. A placement is a
 * contract: it never changes in place, because a change would move every key in every user's
 * cache.
 */
@NullMarked
package dev.ringcache.ring;

import org.jspecify.annotations.NullMarked;
