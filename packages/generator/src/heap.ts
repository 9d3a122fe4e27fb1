/**
 * A binary min-heap by a numeric key, ties broken by a second key: the stream's queue of units by
 * their next visit, and of events by when they are sent. Keys sit in arrays of their own beside
 * the items, so sifting reads a few contiguous numbers instead of thousands of scattered objects.
 */
const precedes = <Tie>(key: number, tie: Tie, otherKey: number, otherTie: Tie) => key < otherKey || (key === otherKey && tie < otherTie);

export class Heap<T, Tie extends number | string> {
  private readonly items: T[] = [];
  private readonly keys: number[] = [];
  private readonly ties: Tie[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The first item's key; Infinity when empty. */
  get firstKey(): number {
    return this.items.length > 0 ? this.keys[0]! : Infinity;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T, key: number, tie: Tie): void {
    this.items.push(item);
    this.keys.push(key);
    this.ties.push(tie);
    this.up(this.items.length - 1);
  }

  pop(): T | undefined {
    const { items, keys, ties } = this;
    const top = items[0];
    const item = items.pop()!;
    const key = keys.pop()!;
    const tie = ties.pop()!;
    if (items.length > 0) this.place(0, item, key, tie);
    return top;
  }

  /** Gives the first item a new key and puts it where it now belongs: a pop and a push in one. */
  rekeyFirst(key: number): void {
    this.place(0, this.items[0]!, key, this.ties[0]!);
  }

  private up(index: number): void {
    const { items, keys, ties } = this;
    const item = items[index]!;
    const key = keys[index]!;
    const tie = ties[index]!;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!precedes(key, tie, keys[parent]!, ties[parent]!)) break;
      this.set(index, items[parent]!, keys[parent]!, ties[parent]!);
      index = parent;
    }
    this.set(index, item, key, tie);
  }

  /** Sifts an item down from `index`, where a hole is. */
  private place(index: number, item: T, key: number, tie: Tie): void {
    const { items, keys, ties } = this;
    const length = items.length;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && precedes(keys[right]!, ties[right]!, keys[left]!, ties[left]!) ? right : left;
      // Stop where the item comes before its smaller child.
      if (!precedes(keys[child]!, ties[child]!, key, tie)) break;
      this.set(index, items[child]!, keys[child]!, ties[child]!);
      index = child;
    }
    this.set(index, item, key, tie);
  }

  private set(index: number, item: T, key: number, tie: Tie): void {
    this.items[index] = item;
    this.keys[index] = key;
    this.ties[index] = tie;
  }
}
