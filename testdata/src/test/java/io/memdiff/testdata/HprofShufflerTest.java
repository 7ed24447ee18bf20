package io.memdiff.testdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memdiff.testdata.HprofWriter.Bytes;
import io.memdiff.testdata.RecordWalker.SubRecord;
import io.memdiff.testdata.scenarios.LeakyService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shuffled dump holds the same heap as its input, in another order and at other addresses. */
class HprofShufflerTest {
  private static final long OBJECT = 0x100;
  private static final long BASE = 0x200;
  private static final long NODE = 0x300;
  private static final long NODE_ARRAY = 0x400;
  private static final long INT_ARRAY = 0x500;
  private static final long FIRST = 0x1000;
  private static final long SECOND = 0x1010;
  private static final long ARRAY = 0x1020;
  private static final long INTS = 0x1030;
  private static final long LOADER = 0x1040;
  /** Referenced by SECOND's {@code owner} and by ARRAY, but no object of the dump. */
  private static final long DANGLING = 0xDEAD8;
  private static final long JNI_REF = 0x77;

  @TempDir Path dir;

  /**
   * Node extends Base: Node has fields {@code next} (object) and {@code n} (int) and the static
   * {@code INSTANCE} = FIRST, loader LOADER; Base has {@code owner} (object). FIRST = {next SECOND, n 7,
   * owner ARRAY}, SECOND = {next null, n 8, owner DANGLING}, ARRAY = Node[]{FIRST, null, SECOND, DANGLING}.
   */
  private static HprofWriter nodes(int idSize) {
    HprofWriter w = new HprofWriter(idSize);
    w.controlSettings(2, 4);
    String[] names = {"java/lang/Object", "Base", "Node", "[LNode;", "[I"};
    long[] ids = {OBJECT, BASE, NODE, NODE_ARRAY, INT_ARRAY};
    for (int i = 0; i < ids.length; i++) {
      w.loadClass(i + 1, ids[i], 1, w.string(names[i]));
    }
    long owner = w.string("owner");
    long instance = w.string("INSTANCE");
    long next = w.string("next");
    long n = w.string("n");
    Bytes classes = w.beginSegment();
    classes.classDump(OBJECT, 0, 0).end();
    classes.classDump(BASE, OBJECT, idSize).field(owner, Hprof.OBJECT).end();
    classes.classDump(NODE, BASE, idSize + 4).loader(LOADER).staticField(instance, Hprof.OBJECT, FIRST)
        .field(next, Hprof.OBJECT).field(n, Hprof.INT).end();
    classes.classDump(NODE_ARRAY, OBJECT, 0).end();
    classes.classDump(INT_ARRAY, OBJECT, 0).end();
    classes.rootStickyClass(NODE).rootJniGlobal(FIRST, JNI_REF).rootThreadObject(SECOND, 1, 1);
    w.endSegment();
    Bytes objects = w.beginSegment();
    objects.instance(FIRST, 1, NODE, w.values().id(SECOND).i4(7).id(ARRAY));
    objects.instance(SECOND, 1, NODE, w.values().id(0).i4(8).id(DANGLING));
    objects.objectArray(ARRAY, 1, NODE_ARRAY, FIRST, 0, SECOND, DANGLING);
    objects.intArray(INTS, 1, 2, 3);
    objects.instance(LOADER, 1, OBJECT, new byte[0]);
    w.endSegment();
    return w.heapDumpEnd();
  }

  private Path shuffled(byte[] hprof, long seed) throws IOException {
    Path in = Files.write(dir.resolve("in-" + seed + ".hprof"), hprof);
    Path out = dir.resolve("out-" + seed + ".hprof");
    HprofShuffler.shuffle(in, out, seed);
    return out;
  }

  private static SubRecord only(RecordWalker r, int tag) {
    List<SubRecord> found = r.subRecordsInOrder.stream().filter(s -> s.tag() == tag).toList();
    assertThat(found).as("sub-records 0x%02X", tag).hasSize(1);
    return found.get(0);
  }

  private static SubRecord classDump(RecordWalker r, String name) {
    return r.subRecordsInOrder.stream()
        .filter(s -> s.tag() == Hprof.CLASS_DUMP && name.equals(r.className(r.id(s.body())))).findFirst().orElseThrow();
  }

  /** The INSTANCE DUMP of a Node whose {@code n} is {@code n}. */
  private static SubRecord node(RecordWalker r, int n) {
    int id = r.idSize;
    return r.subRecordsInOrder.stream().filter(s -> s.tag() == Hprof.INSTANCE_DUMP)
        .filter(s -> r.u4(s.body() + 2 * id + 4) > 0 && r.u4(s.body() + 3 * id + 8) == n).findFirst().orElseThrow();
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 8})
  void everyReferenceMovesWithItsTargetAndDanglingOnesStay(int idSize) throws IOException {
    RecordWalker r = new RecordWalker(Files.readAllBytes(shuffled(nodes(idSize).toByteArray(), 42)));
    int id = idSize;
    SubRecord first = node(r, 7);
    SubRecord second = node(r, 8);
    SubRecord array = only(r, Hprof.OBJECT_ARRAY_DUMP);
    SubRecord nodeClass = classDump(r, "Node");
    long newFirst = r.id(first.body());
    long newSecond = r.id(second.body());
    long newArray = r.id(array.body());
    long newNode = r.id(nodeClass.body());
    long newLoader = r.subRecordsInOrder.stream()
        .filter(s -> s.tag() == Hprof.INSTANCE_DUMP && r.u4(s.body() + 2 * id + 4) == 0)
        .map(s -> r.id(s.body())).findFirst().orElseThrow();
    long newBase = r.id(classDump(r, "Base").body());
    List<Long> relocated = List.of(newFirst, newSecond, newArray, newNode, newLoader, newBase,
        r.id(only(r, Hprof.PRIMITIVE_ARRAY_DUMP).body()), r.id(classDump(r, "java/lang/Object").body()));
    assertThat(relocated).doesNotHaveDuplicates()
        .doesNotContain(0L, FIRST, SECOND, ARRAY, NODE, LOADER, INTS, BASE, OBJECT)
        .allMatch(a -> a % 8 == 0 && a > 0 && (idSize == 8 || a < 1L << 32));

    // Node's values: own next, own n, then Base's owner.
    assertThat(r.id(first.body() + id + 4)).isEqualTo(newNode);
    assertThat(r.id(first.body() + 2 * id + 8)).isEqualTo(newSecond);
    assertThat(r.id(first.body() + 3 * id + 12)).isEqualTo(newArray);
    assertThat(r.id(second.body() + 2 * id + 8)).isZero();
    assertThat(r.id(second.body() + 3 * id + 12)).isEqualTo(DANGLING);

    long[] elements = new long[4];
    for (int e = 0; e < 4; e++) {
      elements[e] = r.id(array.body() + 2 * id + 8 + e * id);
    }
    assertThat(elements).containsExactly(newFirst, 0, newSecond, DANGLING);
    assertThat(r.className(r.id(array.body() + id + 8))).isEqualTo("[LNode;");

    assertThat(r.className(newNode)).isEqualTo("Node");
    assertThat(r.id(nodeClass.body() + id + 4)).isEqualTo(newBase);
    assertThat(r.id(nodeClass.body() + 2 * id + 4)).isEqualTo(newLoader);
    assertThat(r.id(nodeClass.body() + 8 * id + 13)).as("static INSTANCE").isEqualTo(newFirst);

    assertThat(r.id(only(r, Hprof.ROOT_STICKY_CLASS).body())).isEqualTo(newNode);
    SubRecord global = only(r, Hprof.ROOT_JNI_GLOBAL);
    assertThat(new long[] {r.id(global.body()), r.id(global.body() + id)}).containsExactly(newFirst, JNI_REF);
    assertThat(r.id(only(r, Hprof.ROOT_THREAD_OBJECT).body())).isEqualTo(newSecond);
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 8})
  void recordsWithoutObjectIdsAreCopiedByteForByte(int idSize) throws IOException {
    HprofWriter w = nodes(idSize);
    byte[] before = w.toByteArray();
    byte[] after = Files.readAllBytes(shuffled(before, 7));
    assertThat(after).hasSameSizeAs(before).isNotEqualTo(before);
    List<Long> offsets = new ArrayList<>(w.recordOffsets());
    offsets.add((long) before.length);
    int header = offsets.get(0).intValue();
    assertThat(Arrays.copyOf(after, header)).isEqualTo(Arrays.copyOf(before, header));
    for (int i = 0; i + 1 < offsets.size(); i++) {
      int from = offsets.get(i).intValue();
      int to = offsets.get(i + 1).intValue();
      int tag = before[from] & 0xFF;
      if (tag != Hprof.LOAD_CLASS && tag != Hprof.HEAP_DUMP_SEGMENT) {
        assertThat(Arrays.copyOfRange(after, from, to)).as("record %d, tag 0x%02X", i, tag)
            .isEqualTo(Arrays.copyOfRange(before, from, to));
      }
    }
  }

  @Test
  void theSeedDecidesTheOutput() throws IOException {
    byte[] hprof = nodes(8).toByteArray();
    byte[] once = Files.readAllBytes(shuffled(hprof, 1));
    Files.delete(dir.resolve("out-1.hprof"));
    assertThat(Files.readAllBytes(shuffled(hprof, 1))).isEqualTo(once);
    assertThat(Files.readAllBytes(shuffled(hprof, 2))).isNotEqualTo(once);
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 8})
  void everyRecordTypeKeepsItsCountsAndHeapDumpInfoStaysFirst(int idSize) throws IOException {
    byte[] hprof = Fixtures.everyRecordType(idSize).toByteArray();
    RecordWalker before = new RecordWalker(hprof);
    RecordWalker after = new RecordWalker(Files.readAllBytes(shuffled(hprof, 3)));
    assertThat(after.recordCounts).isEqualTo(before.recordCounts);
    assertThat(after.subRecordCounts).isEqualTo(before.subRecordCounts);
    assertThat(after.countsByClassName()).isEqualTo(before.countsByClassName());
    assertThat(after.dumps.stream().map(RecordWalker.Dump::contents).toList())
        .isEqualTo(before.dumps.stream().map(RecordWalker.Dump::contents).toList());
    assertThat(after.subRecordsInOrder.get(0).tag()).isEqualTo(Hprof.HEAP_DUMP_INFO);
  }

  @Test
  void aTruncatedDumpIsRejectedWithTheOffset() throws IOException {
    HprofWriter w = nodes(8);
    byte[] whole = w.toByteArray();
    List<Long> offsets = w.recordOffsets();
    int lastSegment = offsets.get(offsets.size() - 2).intValue();
    Path in = Files.write(dir.resolve("cut.hprof"), Arrays.copyOf(whole, lastSegment + 20));
    assertThatThrownBy(() -> HprofShuffler.shuffle(in, dir.resolve("never.hprof"), 1))
        .isInstanceOf(IOException.class).hasMessageContaining("cut.hprof")
        .hasMessageContaining("0x" + Integer.toHexString(lastSegment + 9));
    assertThat(dir.resolve("never.hprof")).doesNotExist();
  }

  @Test
  void aRealDumpKeepsItsHeapButNotItsOrderOrAddresses() throws IOException {
    Path dump = ScenarioRunner.run(LeakyService.class, dir.resolve("scenario")).get(0);
    RecordWalker before = new RecordWalker(Files.readAllBytes(dump));
    Path out = dir.resolve("shuffled.hprof");
    HprofShuffler.shuffle(dump, out, 2024);
    RecordWalker after = new RecordWalker(Files.readAllBytes(out));

    assertThat(Files.size(out)).isEqualTo(Files.size(dump));
    assertThat(after.recordCounts).isEqualTo(before.recordCounts);
    assertThat(after.subRecordCounts).isEqualTo(before.subRecordCounts);
    assertThat(after.countsByClassName()).isEqualTo(before.countsByClassName()).doesNotContainKey("null");
    assertThat(after.primitiveArrayCounts()).isEqualTo(before.primitiveArrayCounts());
    assertThat(after.count("io/memdiff/testdata/scenarios/LeakyService$Session"))
        .isEqualTo(LeakyService.sessionsAfter(1, 1));

    List<Long> oldIds = objectIds(before);
    List<Long> newIds = objectIds(after);
    Set<Long> unchanged = new HashSet<>(newIds);
    unchanged.retainAll(new HashSet<>(oldIds));
    assertThat(newIds).hasSameSizeAs(oldIds).doesNotHaveDuplicates().allMatch(a -> a % 8 == 0 && a != 0);
    assertThat(unchanged.size()).as("ids kept").isLessThan(oldIds.size() / 100);
    assertThat(instanceClassNames(after)).isNotEqualTo(instanceClassNames(before));

    // Roots and array elements: as many null and resolved, and the very same dangling ids (CDS leaves some).
    assertThat(references(after, new HashSet<>(newIds))).isEqualTo(references(before, new HashSet<>(oldIds)));
  }

  private static List<Long> objectIds(RecordWalker r) {
    return r.subRecordsInOrder.stream()
        .filter(s -> s.tag() >= Hprof.CLASS_DUMP && s.tag() <= Hprof.PRIMITIVE_ARRAY_DUMP)
        .map(s -> r.id(s.body())).toList();
  }

  private static List<String> instanceClassNames(RecordWalker r) {
    return r.subRecordsInOrder.stream().filter(s -> s.tag() == Hprof.INSTANCE_DUMP)
        .map(s -> String.valueOf(r.className(r.id(s.body() + r.idSize + 4)))).toList();
  }

  /** "null" and "resolved" counts, then each dangling id with its count. */
  private static TreeMap<String, Integer> references(RecordWalker r, Set<Long> objects) {
    TreeMap<String, Integer> kinds = new TreeMap<>();
    for (SubRecord s : r.subRecordsInOrder) {
      List<Long> ids = new ArrayList<>();
      if (s.tag() == Hprof.OBJECT_ARRAY_DUMP) {
        int length = r.u4(s.body() + r.idSize + 4);
        for (int e = 0; e < length; e++) {
          ids.add(r.id(s.body() + 2 * r.idSize + 8 + e * r.idSize));
        }
      } else if (s.tag() < Hprof.CLASS_DUMP || s.tag() == Hprof.ROOT_UNKNOWN) {
        ids.add(r.id(s.body()));
      }
      for (long id : ids) {
        kinds.merge(id == 0 ? "null" : objects.contains(id) ? "resolved" : Long.toHexString(id), 1, Integer::sum);
      }
    }
    return kinds;
  }
}
