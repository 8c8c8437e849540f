package dev.ringcache.hibernate;

import org.hibernate.cache.spi.ExtendedStatisticsSupport;

/**
 * Hibernate's extra per-region statistics for every ringcache region, from the region's {@link
 * RegionUsage}: its records on the nodes that can tell, and their bytes; nothing is on disk.
 */
interface RegionStatistics extends ExtendedStatisticsSupport {
  RegionUsage usage();

  @Override
  default long getElementCountInMemory() {
    return usage().entries();
  }

  @Override
  default long getElementCountOnDisk() {
    return 0;
  }

  @Override
  default long getSizeInMemory() {
    return usage().bytes();
  }
}
