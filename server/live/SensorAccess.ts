import { maySeeCategory, pipeAccessOf, type Role } from '../../workers/formats/dataAccess.js';
import { OPEN_FEED } from '../../workers/live/ObservationBatch.js';
import { CJJ61_CATEGORIES } from '../../workers/standards/cjj61Categories.js';
import type { CatalogEntry } from './SensorCatalog.js';

/**
 * Which sensors a data role may read, from the catalogue's categories: a sensor on a pipe asset
 * is read by the roles that may see that asset's category (workers/formats/dataAccess.ts);
 * sensors on no pipe asset (air, river) and every datastream after the catalogue's (parking
 * levels) are open to every role. The one place the live APIs, the history API, the alarms and
 * the broker ask.
 */
export class SensorAccess {
  /** The feed (CJJ 61 code or OPEN_FEED) per datastream id (index = id); beyond it: open. */
  private readonly feeds: string[];
  /** Every feed a datastream of this catalogue is published on. */
  readonly usedFeeds: readonly string[];

  constructor(readonly catalog: readonly Pick<CatalogEntry, 'id' | 'category'>[]) {
    this.feeds = [];
    for (const entry of catalog) this.feeds[entry.id] = entry.category ?? OPEN_FEED;
    this.usedFeeds = [...new Set(this.feeds.filter((feed) => feed !== undefined))].sort();
  }

  /** The feed a datastream's readings go out on. */
  feedOf(datastream: number): string {
    return this.feeds[datastream] ?? OPEN_FEED;
  }

  /** Whether the role may read this datastream (its catalogue entry, values, history, alarms). */
  maySee(role: Role, datastream: number): boolean {
    return this.mayReadFeed(role, this.feedOf(datastream));
  }

  /** Whether the role may read a feed: the open one, or a category it may see. */
  mayReadFeed(role: Role, feed: string): boolean {
    return feed === OPEN_FEED || maySeeCategory(role, feed);
  }

  /**
   * Whether the role reads every datastream of this catalogue (wildcard subscriptions, unfiltered
   * queries): it sees every category, or the catalogue has no sensor on a pipe asset.
   */
  seesAll(role: Role): boolean {
    return pipeAccessOf(role).allCategories || this.usedFeeds.every((feed) => feed === OPEN_FEED);
  }

  /** The feeds a role may subscribe to that carry this catalogue's sensors (what a viewer subscribes to). */
  feedsFor(role: Role): string[] {
    return this.usedFeeds.filter((feed) => this.mayReadFeed(role, feed));
  }

  /** Every feed there can be: the open one and one per CJJ 61 category. */
  static allFeeds(): string[] {
    return [OPEN_FEED, ...new Set(CJJ61_CATEGORIES.map((c) => c.code))];
  }

  /** The catalogue entries the role may read, in catalogue order. */
  visible<T extends Pick<CatalogEntry, 'id'>>(role: Role, entries: readonly T[]): T[] {
    return this.seesAll(role) ? [...entries] : entries.filter((e) => this.maySee(role, e.id));
  }
}
