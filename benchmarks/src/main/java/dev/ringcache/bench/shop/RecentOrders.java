package dev.ringcache.bench.shop;

import java.util.SplittableRandom;

/**
 * The ids of the last orders placed, committed or not, from which the workload picks the orders
 * customers look at: a committed one must be found with its lines, one rolled back must not be
 * found.
 *
 * <p>Thread-safe.
 */
final class RecentOrders {
  private final long[] ids;
  private long placed;

  RecentOrders(int capacity) {
    ids = new long[capacity];
  }

  /** Adds an order whose transaction has ended. */
  synchronized void add(long id) {
    ids[(int) (placed++ % ids.length)] = id;
  }

  /** One of the recent orders, chosen uniformly; 0 if there is none. */
  synchronized long pick(SplittableRandom random) {
    int held = (int) Math.min(placed, ids.length);
    return held == 0 ? 0 : ids[random.nextInt(held)];
  }
}
