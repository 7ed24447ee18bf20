# frozen_string_literal: true
# Six memory behaviours of a Ruby service, with allocation tracing on, dumped three times:
#   ruby scenarios.rb DIR   writes DIR/1.json, DIR/2.json, DIR/3.json
# Each line marked "site:" allocates exactly one object per call; RubyDiffTest finds the lines by
# those marks and checks memdiff's counts against the numbers below.
require 'objspace'
ObjectSpace.trace_object_allocations_start

REGISTRY_PER_STEP = 100
THREAD_PER_STEP = 50
CALLBACKS_PER_STEP = 30
CACHE_CAPACITY = 200

class Session
  def initialize(id)
    @id = id
  end
end

# A constant Hash that only grows: the registry leak.
module Registry
  SESSIONS = {}
  def self.open(id)
    SESSIONS[id] = Session.new(id) # site: registry
  end
end

# A bounded LRU cache: fills up, then holds.
class Lru
  def initialize(capacity)
    @capacity = capacity
    @entries = {}
  end

  def put(key, value)
    @entries.delete(key)
    @entries[key] = value
    @entries.delete(@entries.first[0]) if @entries.size > @capacity
  end
end
CACHE = Lru.new(CACHE_CAPACITY)

# Callbacks whose closures capture a string each.
CALLBACKS = []
def subscribe(n)
  label = 'cb' * (n % 7 + 2) # site: callback-string
  CALLBACKS << proc { label.size } # site: callback-proc
end

# Stable configuration, built once before the first dump.
CONFIG = (1..40).to_h { |i| [i, "setting-#{i}"] }

# A long-lived worker thread that keeps a buffer in its thread-local storage and never clears it.
JOBS = Queue.new
DONE = Queue.new
WORKER = Thread.new do
  Thread.current[:buffer] = []
  while (n = JOBS.pop)
    n.times { Thread.current[:buffer] << ('t' * 48) } # site: thread-local
    DONE << true
  end
end

def churn
  junk = []
  1000.times { |i| junk << ('c' * (i % 50 + 10)) } # site: churn
  junk.clear
end

$next_id = 0
def step(cache_puts)
  REGISTRY_PER_STEP.times { Registry.open($next_id += 1) }
  JOBS << THREAD_PER_STEP
  DONE.pop
  CALLBACKS_PER_STEP.times { |i| subscribe(i) }
  cache_puts.times { |i| CACHE.put(i, 'v' * 40) } # site: cache
  churn
end

def dump(path)
  3.times { GC.start(full_mark: true, immediate_sweep: true) }
  File.open(path, 'w') { |f| ObjectSpace.dump_all(output: f) }
end

dir = ARGV.fetch(0)
step(50)
dump(File.join(dir, '1.json'))
step(500)
dump(File.join(dir, '2.json'))
step(500)
dump(File.join(dir, '3.json'))
