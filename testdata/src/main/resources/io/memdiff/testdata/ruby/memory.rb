# frozen_string_literal: true
# A Ruby process whose RSS grows, dumped three times with a process record beside each dump:
#   ruby memory.rb DIR MODE   writes DIR/1.dump, DIR/1.proc.json, ... DIR/3.proc.json
# MODE leak:   each step keeps LEAK_ARRAYS arrays of LEAK_LENGTH integers in a constant Array (live objects grow).
# MODE malloc: each step mallocs MALLOC_BYTES through Fiddle, writes them and never frees them (live objects flat).
# RubyProcessMemoryTest checks memdiff's verdict against these numbers.
require 'objspace'
require 'fiddle'

LEAK_ARRAYS = 1000
LEAK_LENGTH = 5000
MALLOC_BYTES = 64 << 20

HELD = []
MEMSET = Fiddle::Function.new(Fiddle::Handle::DEFAULT['memset'],
                              [Fiddle::TYPE_VOIDP, Fiddle::TYPE_INT, Fiddle::TYPE_SIZE_T], Fiddle::TYPE_VOIDP)

def step(mode)
  case mode
  when 'leak' then LEAK_ARRAYS.times { HELD << Array.new(LEAK_LENGTH, 0) }
  when 'malloc' then MEMSET.call(Fiddle.malloc(MALLOC_BYTES), 1, MALLOC_BYTES)
  else raise ArgumentError, "mode must be leak or malloc, not #{mode}"
  end
end

def dump(n)
  3.times { GC.start(full_mark: true, immediate_sweep: true) }
  # proc record: the three lines of docs/concepts.md, "Process memory of a Ruby program"
  require 'json'; ruby = GC.stat.slice(:heap_live_slots, :heap_free_slots, :heap_allocated_pages).merge(heap_page_size: GC::INTERNAL_CONSTANTS[:HEAP_PAGE_SIZE], memsize_of_all: ObjectSpace.memsize_of_all)
  rss = File.read('/proc/self/status')[/^VmRSS:\s*(\d+)/, 1].to_i * 1024; allocator = File.read('/proc/self/maps')[/lib(jemalloc|tcmalloc)/, 1] || 'libc'
  File.write("#{n}.proc.json", JSON.generate(schema_version: 1, time: Time.now.utc.strftime('%FT%T.%LZ'), pid: Process.pid, rss_bytes: rss, malloc_arena_max_set: ENV.key?('MALLOC_ARENA_MAX'), allocator: allocator, ruby: ruby))
  # end of the proc record
  File.open("#{n}.dump", 'w') { |f| ObjectSpace.dump_all(output: f) }
end

dir, mode = ARGV.fetch(0), ARGV.fetch(1)
step(mode)
dump(File.join(dir, '1'))
step(mode)
dump(File.join(dir, '2'))
step(mode)
dump(File.join(dir, '3'))
