package dev.ringcache.bench.shop;

import java.util.SplittableRandom;

/**
 * What a shopper or an administrator does in one transaction, and how often (percent of all
 * operations). Reads: 80%; writes: 20%, of which {@link #ROLLBACK_PERCENT}% roll back on purpose.
 *
 * <p>Immutable and thread-safe.
 */
enum Operation {
  /** A product page: the product (Zipf-skewed), its category and its stock. */
  VIEW_PRODUCT("view product", 42, false),
  /** A category page: the cached catalog query, its first 20 products by name. */
  BROWSE_CATEGORY("browse category", 15, false),
  /** Sign-in: a customer found by e-mail address, the natural id. */
  SIGN_IN("sign in", 12, false),
  /** An order page: a recent order with its lines, the cached collection. */
  VIEW_ORDER("view order", 11, false),
  /** Checkout: a new order of 1-4 lines; each product's stock goes down. */
  PLACE_ORDER("place order", 12, true),
  /** A customer changes the delivery address (an unversioned entity). */
  CHANGE_ADDRESS("change address", 4, true),
  /** An administrator changes a product's price (a versioned entity). */
  REPRICE("reprice product", 1, true),
  /** An administrator adds 500 units to a product's stock. */
  RESTOCK("restock product", 3, true);

  /** The share of write transactions rolled back on purpose, after their flush. */
  static final int ROLLBACK_PERCENT = 8;

  private static final Operation[] BY_PERCENT = new Operation[100];

  static {
    int at = 0;
    for (Operation op : values()) {
      for (int i = 0; i < op.percent; i++) {
        BY_PERCENT[at++] = op;
      }
    }
    if (at != 100) {
      throw new ExceptionInInitializerError("the operation mix adds up to " + at + "%, not 100%");
    }
  }

  final String label;
  final int percent;
  final boolean writes;

  Operation(String label, int percent, boolean writes) {
    this.label = label;
    this.percent = percent;
    this.writes = writes;
  }

  /** An operation drawn with the mix's probabilities. */
  static Operation next(SplittableRandom random) {
    return BY_PERCENT[random.nextInt(100)];
  }
}
