/**
 * The Hibernate ORM 7 second-level cache provider: region factory {@code ringcache}. The only
 * package that imports {@code org.hibernate}. Filled in by the Hibernate integration issue.
 */
@NullMarked
package dev.ringcache.hibernate;

import org.jspecify.annotations.NullMarked;
