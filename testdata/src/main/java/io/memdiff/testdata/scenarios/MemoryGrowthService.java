package io.memdiff.testdata.scenarios;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A service whose memory grows in exact steps where a test says: each line {@code grow} on its
 * standard input allocates {@link #STEP_MIB} MiB more and touches every page of it, then prints
 * {@code grown}. The first argument says where the memory goes: {@code heap} (blocks a static list
 * holds), {@code direct} (direct buffers a static list holds) or {@code native} ({@code
 * Unsafe.allocateMemory}, which no heap dump sees); a second argument, if any, is the step in MiB. It prints {@code ready} once started and exits at
 * the end of its input.
 */
public final class MemoryGrowthService {
  /** What each step allocates. */
  public static final int STEP_MIB = 64;
  private static final int PIECE = 64 * 1024;
  private static final int PAGE = 4096;

  /** A piece of heap held forever: the heap leak's class. */
  public static final class Block {
    final byte[] data = new byte[PIECE];
  }

  static final List<Block> BLOCKS = new ArrayList<>();
  static final List<ByteBuffer> BUFFERS = new ArrayList<>();
  static final List<Long> ADDRESSES = new ArrayList<>();

  private MemoryGrowthService() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int stepMib = args.length > 1 ? Integer.parseInt(args[1]) : STEP_MIB;
    sun.misc.Unsafe unsafe = mode.equals("native") ? unsafe() : null;
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    System.out.println("ready");
    System.out.flush();
    for (String line; (line = in.readLine()) != null; ) {
      if (!line.equals("grow")) {
        continue;
      }
      for (int k = 0; k < stepMib * (1 << 20) / PIECE; k++) {
        switch (mode) {
          case "heap" -> {
            Block b = new Block();
            for (int p = 0; p < PIECE; p += PAGE) {
              b.data[p] = 1;
            }
            BLOCKS.add(b);
          }
          case "direct" -> {
            ByteBuffer b = ByteBuffer.allocateDirect(PIECE);
            for (int p = 0; p < PIECE; p += PAGE) {
              b.put(p, (byte) 1);
            }
            BUFFERS.add(b);
          }
          case "native" -> {
            long address = unsafe.allocateMemory(PIECE);
            unsafe.setMemory(address, PIECE, (byte) 1);
            ADDRESSES.add(address);
          }
          default -> throw new IllegalArgumentException("mode " + mode);
        }
      }
      System.out.println("grown");
      System.out.flush();
    }
  }

  private static sun.misc.Unsafe unsafe() throws ReflectiveOperationException {
    Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
    f.setAccessible(true);
    return (sun.misc.Unsafe) f.get(null);
  }
}
