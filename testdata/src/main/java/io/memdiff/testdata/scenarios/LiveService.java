package io.memdiff.testdata.scenarios;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A service that stays up to be captured live: it leaks from two methods at a steady pace (orders into
 * a list, audit records into a map) until its standard input closes. It prints {@code ready} once the
 * first batch is in, so a test can attach at a known moment.
 */
public final class LiveService {
  /** Orders added per batch, from {@link #takeOrders}. */
  public static final int ORDERS_PER_BATCH = 500;
  /** Audit records added per batch, from {@link #audit}. */
  public static final int AUDITS_PER_BATCH = 250;
  /** Milliseconds between batches. */
  public static final int BATCH_MILLIS = 100;

  static final List<Order> ORDERS = new ArrayList<>();
  static final Map<Integer, Audit> AUDITS = new HashMap<>();

  /** An order held forever: the first leak. */
  public static final class Order {
    final long id;
    final byte[] lines = new byte[64];

    Order(long id) {
      this.id = id;
    }
  }

  /** An audit record held forever: the second leak, allocated in another method. */
  public static final class Audit {
    final int seq;
    final char[] note = new char[64];

    Audit(int seq) {
      this.seq = seq;
    }
  }

  private LiveService() {}

  static void takeOrders(int batch) {
    for (int k = 0; k < ORDERS_PER_BATCH; k++) {
      ORDERS.add(new Order((long) batch * ORDERS_PER_BATCH + k));
    }
  }

  static void audit(int batch) {
    for (int k = 0; k < AUDITS_PER_BATCH; k++) {
      int seq = batch * AUDITS_PER_BATCH + k;
      AUDITS.put(seq, new Audit(seq));
    }
  }

  public static void main(String[] args) throws Exception {
    Thread stopper = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // wait for end of input
        }
      } catch (IOException e) {
        // stop as on end of input
      }
      System.exit(0);
    }, "stdin-watch");
    stopper.setDaemon(true);
    stopper.start();
    for (int batch = 0; ; batch++) {
      synchronized (ORDERS) {
        takeOrders(batch);
        audit(batch);
      }
      if (batch == 0) {
        System.out.println("ready");
        System.out.flush();
      }
      Thread.sleep(BATCH_MILLIS);
    }
  }
}
