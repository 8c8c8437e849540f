/**
 * The shop demo, ringcache's main job ({@link dev.ringcache.bench.shop.ShopDemo}, run by {@code
 * ./run-demo}): an online shop on Hibernate ORM 7 run by several threads on two SessionFactories
 * that share one database and one ringcache, once without a second-level cache and once with it,
 * with a consistency check of every read; it ends with a text summary and an HTML report.
 */
@NullMarked
package dev.ringcache.bench.shop;

import org.jspecify.annotations.NullMarked;
