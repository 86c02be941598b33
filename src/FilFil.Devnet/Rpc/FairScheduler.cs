namespace FilFil.Devnet.Rpc;

/// <summary>
/// Runs the requests of all connections of a server in turns, WebSocket and HTTP POST alike: each connection (each
/// POST request: HttpListener serves one request of a connection at a time) has a <see cref="Lane"/> (a
/// TaskScheduler), and at most <see cref="Workers"/> requests run at once, taken one per lane in round-robin order.
/// A connection with many requests waiting thus goes ahead of another connection's one request by at most one
/// request, however many it queued.
/// <para>
/// Why: with requests started straight on the thread pool, 8 clients flooding requests kept a ninth client's call
/// waiting 2-4.6 s (issue 15's abuse campaign). Each flooding connection had 16 requests queued on the pool at once,
/// and the pool runs the work a thread queued itself (the continuations of a request: write lock, semaphores) before
/// its global queue, where another connection's socket completion waits. Here each turn is one pool work item queued
/// at the end of the global queue, so the pool's own queue stays as short as the number of workers.
/// </para>
/// <para>
/// A request's synchronous part runs in its turn; what it awaits (a delayed read, a forwarded eth_ call) resumes on
/// the thread pool as usual (the server's code awaits with ConfigureAwait(false)), so a waiting request holds no worker.
/// No thread ever blocks here.
/// </para>
/// </summary>
internal sealed class FairScheduler
{
    private readonly object _gate = new();
    private readonly Queue<Lane> _turns = new(); // lanes with tasks waiting, each at most once
    private int _running;

    public FairScheduler(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        Workers = workers;
    }

    /// <summary>Requests run at once (pool work items of this scheduler).</summary>
    public int Workers { get; }

    /// <summary>Lanes with requests waiting for a turn (tests).</summary>
    internal int LanesWaiting { get { lock (_gate) return _turns.Count; } }

    /// <summary>A new lane, one per connection.</summary>
    public Lane CreateLane() => new(this);

    private void Enqueue(Lane lane, Task task)
    {
        lock (_gate)
        {
            lane.Tasks.Enqueue(task);
            if (!lane.Waiting)
            {
                lane.Waiting = true;
                _turns.Enqueue(lane);
            }
            if (_running >= Workers) return;
            _running++;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.Turn(), this, preferLocal: false);
    }

    /// <summary>Runs one task of the next lane, then queues itself at the end of the pool's global queue (or stops).</summary>
    private void Turn()
    {
        Lane lane;
        Task task;
        lock (_gate)
        {
            if (_turns.Count == 0)
            {
                _running--;
                return;
            }
            lane = _turns.Dequeue();
            task = lane.Tasks.Dequeue();
            if (lane.Tasks.Count > 0) _turns.Enqueue(lane);
            else lane.Waiting = false;
        }
        lane.Execute(task);
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.Turn(), this, preferLocal: false);
    }

    /// <summary>The tasks of one connection, run in turn with the other lanes' (FIFO within the lane).</summary>
    internal sealed class Lane : TaskScheduler
    {
        private readonly FairScheduler _owner;
        internal readonly Queue<Task> Tasks = new();
        internal bool Waiting;

        internal Lane(FairScheduler owner) => _owner = owner;

        /// <summary>
        /// Starts <paramref name="request"/> in this lane's next turn; the caller awaits it without holding a thread.
        /// HideScheduler: what the request starts itself runs on the default scheduler, not in this lane.
        /// </summary>
        public Task<T> Run<T>(Func<Task<T>> request, CancellationToken ct) =>
            Task.Factory.StartNew(request, ct, TaskCreationOptions.DenyChildAttach | TaskCreationOptions.HideScheduler, this).Unwrap();

        internal void Execute(Task task) => TryExecuteTask(task);

        protected override void QueueTask(Task task) => _owner.Enqueue(this, task);

        // never inline: a task runs only in its lane's turn
        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

        protected override IEnumerable<Task> GetScheduledTasks()
        {
            lock (_owner._gate) return Tasks.ToArray();
        }

        public override int MaximumConcurrencyLevel => _owner.Workers;
    }
}
