using System.CommandLine;
using System.Diagnostics;
using System.Globalization;

namespace DhtRpc.Cli;

/// <summary>
/// Watches one run of a client verb: holds it to --timeout, shows a progress line on stderr while the
/// network is slow to answer (only when stderr is a terminal and --json is not given), and afterwards
/// says so when many requests went unanswered.
/// </summary>
internal sealed class ClientWatch : IDisposable
{
    /// <summary>How long a verb waits before the progress line appears, and how often it is redrawn.</summary>
    public static readonly TimeSpan ProgressAfter = TimeSpan.FromSeconds(1);

    /// <summary>Fewest unanswered requests that earn the hint.</summary>
    private const int HintAtLeast = 3;

    private static readonly AsyncLocal<ClientWatch?> Running = new();

    private readonly CancellationTokenSource _stop;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Lock _gate = new();
    private CancellationTokenSource? _deadline;
    private Timer? _progress;
    private DhtNode? _node;
    private int _progressWidth;

    private ClientWatch(CancellationTokenSource stop) => _stop = stop;

    /// <summary>The watch of the verb running on this flow, if any.</summary>
    public static ClientWatch? Current => Running.Value;

    /// <summary>The --timeout limit, once a verb has set one.</summary>
    public TimeSpan? Limit { get; private set; }

    /// <summary>True once the --timeout limit has passed (and cancelled the verb).</summary>
    public bool TimedOut => _deadline?.IsCancellationRequested == true;

    /// <summary>The one sentence a run that ran out of time ends with.</summary>
    public string TimedOutMessage => $"Gave up after {Seconds(Limit ?? TimeSpan.Zero)} s (--timeout): the network did not answer in time.";

    /// <summary>Starts watching a run whose cancellation is <paramref name="stop"/>; it is <see cref="Current"/> from here on.</summary>
    public static ClientWatch Begin(CancellationTokenSource stop)
    {
        var watch = new ClientWatch(stop);
        Running.Value = watch;
        return watch;
    }

    /// <summary>The --timeout option (seconds), shared by every client verb.</summary>
    public static Option<double?> TimeoutOption() => new("--timeout")
    {
        Description = "Give up after SECONDS in all (exit code 1, with one sentence on stderr); without it, a verb waits as long as the network takes.",
        HelpName = "SECONDS",
    };

    /// <summary>Holds the running verb to --timeout, counted from the verb's start.</summary>
    /// <exception cref="UsageException">The value is not a positive number of seconds.</exception>
    public static void Apply(ParseResult result, Option<double?> timeout)
    {
        if (result.GetValue(timeout) is not { } seconds)
        {
            return;
        }

        if (!(seconds > 0 && seconds <= 86_400))
        {
            throw new UsageException($"--timeout must be a number of seconds above 0 and at most 86400 (got {seconds.ToString(CultureInfo.InvariantCulture)}).");
        }

        Current?.Bound(TimeSpan.FromSeconds(seconds));
    }

    /// <summary>Counts <paramref name="node"/>'s requests for the progress line and the hint.</summary>
    public void Watch(DhtNode node, bool json)
    {
        lock (_gate)
        {
            _node = node;
            if (!json && !Console.IsErrorRedirected && _progress is null)
            {
                _progress = new Timer(_ => DrawProgress(), null, ProgressAfter, ProgressAfter);
            }
        }
    }

    /// <summary>"N of M requests … got no answer" when many did; null otherwise.</summary>
    public string? Hint()
    {
        if (_node is not { } node)
        {
            return null;
        }

        // A request ends answered, timed out, or given up by a lookup that no longer needed it: all but the first got no answer.
        var requests = node.Stats.Requests;
        var finished = requests.Total - requests.Active;
        var unanswered = finished - requests.Responses;
        return unanswered >= HintAtLeast && unanswered * 4 >= finished
            ? string.Create(CultureInfo.InvariantCulture, $"{unanswered} of {finished} requests to other nodes got no answer: the network may have lost nodes (nodes that stopped stay in routing tables for a while).")
            : null;
    }

    /// <summary>Stops the progress line and clears it.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _progress?.Dispose();
            _progress = null;
            if (_progressWidth > 0)
            {
                Console.Error.Write("\r" + new string(' ', _progressWidth) + "\r");
                _progressWidth = 0;
            }
        }

        _deadline?.Dispose();
        Running.Value = null;
    }

    private void Bound(TimeSpan limit)
    {
        Limit = limit;
        var left = limit - Stopwatch.GetElapsedTime(_started);
        _deadline = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        _deadline.Token.Register(_stop.Cancel);
    }

    private void DrawProgress()
    {
        lock (_gate)
        {
            if (_progress is null || _node is not { } node)
            {
                return;
            }

            var requests = node.Stats.Requests;
            var line = string.Create(CultureInfo.InvariantCulture, $"waiting {Stopwatch.GetElapsedTime(_started).TotalSeconds:0} s: {requests.Responses} answers, {requests.Total - requests.Active - requests.Responses} requests unanswered, {requests.Active} in flight");
            Console.Error.Write("\r" + line.PadRight(_progressWidth));
            _progressWidth = Math.Max(_progressWidth, line.Length);
        }
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
