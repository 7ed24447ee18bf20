package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The index's class column, in both its forms: chars up to 65,536 classes, ints beyond. */
class ClassColumnTest {
  @ParameterizedTest
  @ValueSource(ints = {1, 1000, 1 << 16, (1 << 16) + 1, 3_000_000})
  void keepsEveryClassIndexOfTheDump(int classCount) {
    ClassColumn column = ClassColumn.allocate(1000, classCount);
    for (int i = 0; i < 1000; i++) {
      column.set(i, (int) ((i * 7919L) % classCount));
    }
    column.set(999, classCount - 1); // the highest index there is
    ClassColumn trimmed = column.trim(1000);
    assertThat(column.trim(10).length()).isEqualTo(10);
    for (int i = 0; i < 999; i++) {
      assertThat(trimmed.get(i)).as("entry %d", i).isEqualTo((int) ((i * 7919L) % classCount));
    }
    assertThat(trimmed.get(999)).isEqualTo(classCount - 1);
  }
}
