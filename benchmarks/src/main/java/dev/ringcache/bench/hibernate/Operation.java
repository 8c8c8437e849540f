package dev.ringcache.bench.hibernate;

/**
 * The operations compared, each in a new session and its own transaction, and what each
 * includes. The {@code i}-th call works on book {@link Library#bookId}{@code (i)} or shelf {@link
 * Library#shelfId}{@code (i)}: every row in turn.
 *
 * <p>{@link #UPDATE} comes last: it changes the table the cached queries read, so that in a run
 * of them all in this order it does not turn the queries into misses.
 *
 * <p>Immutable and thread-safe.
 */
enum Operation {
  /** {@code find} of a cached book: an L2 hit. */
  FIND_HIT("find, L2 hit"),
  /**
   * {@code find} of a book just evicted from the cache: a miss, the {@code SELECT}, and the put of
   * what it loaded. The eviction ({@code Cache.evictEntityData}) runs before, in {@link #prepare},
   * and is not part of the operation.
   */
  MISS_THEN_PUT("find, miss then put") {
    @Override
    void prepare(Library library, long i) {
      library.evict(Library.bookId(i));
    }
  },
  /**
   * {@code find} of a cached shelf and a read of each of its {@value Library#BOOKS_PER_SHELF}
   * books through its cached collection: the shelf, the collection and each book are L2 hits.
   */
  COLLECTION("shelf and its cached collection"),
  /** A cacheable query by ISBN, already cached: the result, then the book, from the cache. */
  QUERY("cached query"),
  /** {@code find} of a cached book (an L2 hit), a new title, the commit: one versioned UPDATE. */
  UPDATE("update");

  private final String label;

  Operation(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  /** What must happen before the {@code i}-th call and is not measured: nothing but for a miss. */
  void prepare(Library library, long i) {}

  /** The {@code i}-th call; returns what it read, for the benchmark to consume. */
  Object run(Library library, long i) {
    return switch (this) {
      case FIND_HIT, MISS_THEN_PUT -> library.find(Library.bookId(i));
      case UPDATE -> library.update(Library.bookId(i));
      case COLLECTION -> library.shelf(Library.shelfId(i));
      case QUERY -> library.byIsbn(Library.isbn(Library.bookId(i)));
    };
  }
}
