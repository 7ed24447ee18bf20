package io.memdiff.testdata.scenarios;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Structures that reach their objects by several routes of the same length, where a site keyed by
 * whichever route a search meets first would depend on the heap's order: an access-ordered
 * LinkedHashMap after reads, a ConcurrentLinkedDeque, a doubly linked list, a tree whose nodes point
 * at their parents, and one list of items held by two static registries. Dumps itself once
 * ({@code shared.hprof}). Argument: output directory.
 */
public final class SharedStructures {
  /** Elements in each structure. */
  public static final int SIZE = 2_000;

  /** What every structure holds. */
  public static final class Item {
    final int id;

    Item(int id) {
      this.id = id;
    }
  }

  /** A node of a doubly linked list. */
  public static final class ListNode {
    ListNode prev;
    ListNode next;
    Item item;
  }

  /** A doubly linked list with both ends. */
  public static final class DoublyLinked {
    ListNode head;
    ListNode tail;
  }

  /** A binary tree node that points at its parent. */
  public static final class TreeNode {
    TreeNode parent;
    TreeNode left;
    TreeNode right;
    Item item;
  }

  static final LinkedHashMap<Integer, Item> ACCESS_ORDERED = new LinkedHashMap<>(16, 0.75f, true);
  static final ConcurrentLinkedDeque<Item> DEQUE = new ConcurrentLinkedDeque<>();
  static final DoublyLinked LIST = new DoublyLinked();
  static TreeNode tree;
  static final List<Item> SHARED = new ArrayList<>();
  static final List<Item> REGISTRY_A = SHARED;
  static final List<List<Item>> REGISTRY_B = new ArrayList<>(List.of(SHARED));

  private SharedStructures() {}

  public static void main(String[] args) throws Exception {
    Random random = new Random(7);
    for (int i = 0; i < SIZE; i++) {
      ACCESS_ORDERED.put(i, new Item(i));
      DEQUE.add(new Item(i));
      ListNode n = new ListNode();
      n.item = new Item(i);
      n.prev = LIST.tail;
      if (LIST.tail != null) {
        LIST.tail.next = n;
      } else {
        LIST.head = n;
      }
      LIST.tail = n;
      SHARED.add(new Item(i));
      tree = insert(tree, null, new Item(random.nextInt(1_000_000)));
    }
    for (int i = 0; i < SIZE; i++) {
      ACCESS_ORDERED.get(random.nextInt(SIZE));
    }
    Dumps.dump(Path.of(args[0]), "shared.hprof");
  }

  private static TreeNode insert(TreeNode at, TreeNode parent, Item item) {
    if (at == null) {
      TreeNode n = new TreeNode();
      n.parent = parent;
      n.item = item;
      return n;
    }
    if (item.id < at.item.id) {
      at.left = insert(at.left, at, item);
    } else {
      at.right = insert(at.right, at, item);
    }
    return at;
  }
}
