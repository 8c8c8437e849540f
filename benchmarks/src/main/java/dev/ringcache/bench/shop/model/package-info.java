/**
 * The shop demo's entities: categories, products with their stock, customers, and orders with
 * their lines, each cached in a region of its own ({@code shop.*}) by ringcache when the demo runs
 * with the cache.
 *
 * <p>{@link dev.ringcache.bench.shop.model.Product}, {@link dev.ringcache.bench.shop.model.Stock}
 * are versioned; {@link dev.ringcache.bench.shop.model.Customer} (with a natural id, its e-mail
 * address), {@link dev.ringcache.bench.shop.model.Category} (read-only) and the orders are not.
 * Every row the workload writes carries a {@code revision}, a label unique in the run, so that the
 * demo's consistency check can tell which write a value it read came from.
 */
@NullMarked
package dev.ringcache.bench.shop.model;

import org.jspecify.annotations.NullMarked;
