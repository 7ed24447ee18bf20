package io.memdiff.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/** Compressed dumps as jcmd writes them: members that inflate on their own, the first with the block-size comment. */
class GzipTest {
  /** A member as a reader that seeks by member would see it. */
  private record Member(int flags, String comment, byte[] data) {}

  private static byte[] sample(int length) {
    byte[] b = new byte[length];
    new Random(42).nextBytes(b);
    for (int i = 0; i < length; i += 3) {
      b[i] = 0; // compressible, but not trivially
    }
    return b;
  }

  private static byte[] gunzip(byte[] gz) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  /** Walks the members by RFC 1952, inflating each with a fresh raw inflater. */
  private static List<Member> members(byte[] gz) throws DataFormatException {
    List<Member> members = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(gz).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      assertThat(b.get() & 0xFF).isEqualTo(0x1F);
      assertThat(b.get() & 0xFF).isEqualTo(0x8B);
      assertThat(b.get()).isEqualTo((byte) 8);
      int flags = b.get() & 0xFF;
      b.position(b.position() + 6);
      String comment = null;
      if ((flags & 0x10) != 0) {
        int start = b.position();
        while (b.get() != 0) {
          // to the NUL
        }
        comment = new String(gz, start, b.position() - start - 1, StandardCharsets.ISO_8859_1);
      }
      Inflater inflater = new Inflater(true);
      inflater.setInput(gz, b.position(), gz.length - b.position());
      byte[] out = new byte[1 << 20];
      int n = 0;
      while (!inflater.finished()) {
        n += inflater.inflate(out, n, out.length - n);
      }
      b.position(gz.length - inflater.getRemaining());
      inflater.end();
      b.getInt(); // CRC32
      assertThat(b.getInt()).as("ISIZE").isEqualTo(n);
      members.add(new Member(flags, comment, java.util.Arrays.copyOf(out, n)));
    }
    return members;
  }

  @Test
  void plainGzipInflatesBackToTheDump() throws IOException {
    byte[] hprof = Fixtures.minimal(8).toByteArray();
    assertThat(gunzip(HprofWriter.gzip(hprof))).isEqualTo(hprof);
  }

  @Test
  void chunkedGzipInflatesBackToTheDumpAsConcatenatedMembers() throws IOException {
    byte[] data = sample(10_000);
    assertThat(gunzip(HprofWriter.gzipChunked(data, 1024))).isEqualTo(data);
  }

  @Test
  void eachChunkIsAnIndependentMemberOfAtMostTheBlockSize() throws Exception {
    byte[] data = sample(10_000);
    List<Member> members = members(HprofWriter.gzipChunked(data, 1024));
    assertThat(members).hasSize(10);
    int offset = 0;
    for (Member m : members) {
      assertThat(m.data().length).isLessThanOrEqualTo(1024);
      assertThat(m.data()).isEqualTo(java.util.Arrays.copyOfRange(data, offset, offset + m.data().length));
      offset += m.data().length;
    }
    assertThat(offset).isEqualTo(data.length);
    assertThat(members.get(9).data()).hasSize(10_000 - 9 * 1024);
  }

  @Test
  void onlyTheFirstMemberCarriesTheBlockSizeComment() throws Exception {
    List<Member> members = members(HprofWriter.gzipChunked(sample(3000), 1000));
    assertThat(members.get(0).flags()).isEqualTo(0x10);
    assertThat(members.get(0).comment()).isEqualTo("HPROF BLOCKSIZE=1000");
    assertThat(members.subList(1, members.size())).allSatisfy(m -> assertThat(m.comment()).isNull());
  }
}
