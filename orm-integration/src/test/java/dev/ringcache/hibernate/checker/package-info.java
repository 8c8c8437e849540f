/**
 * A randomized history checker for Hibernate second-level caches (PROTOCOL-NOTES.md §7.2), and the
 * negative control that proves it can fail (§7.4): several session factories, each with its own
 * region factory, share one database and one cache; every read and write is recorded on one
 * logical clock and checked per key afterwards.
 */
@NullMarked
package dev.ringcache.hibernate.checker;

import org.jspecify.annotations.NullMarked;
