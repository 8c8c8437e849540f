/** Implementation classes of cache-api; no compatibility promise. */
@NullMarked
package dev.ringcache.api.internal;

import org.jspecify.annotations.NullMarked;
