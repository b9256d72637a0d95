namespace DhtRpc.Metrics;

/// <summary>
/// Per-command counts that <see cref="Rpc.DhtStats"/> does not keep: requests received by command, and
/// requests sent and responses received for the commands without a <see cref="Rpc.CommandStats"/>
/// (DELAYED_PING and user commands). Exists only on a node with a meter; written on the node's
/// context, read by the meter's observers on any thread.
/// </summary>
internal sealed class CommandTraffic
{
    private readonly long[] _received = new long[CommandTags.SlotCount];
    private readonly long[] _sent = new long[CommandTags.SlotCount];
    private readonly long[] _responses = new long[CommandTags.SlotCount];

    public void CountReceived(bool isInternal, ulong command) => _received[CommandTags.SlotOf(isInternal, command)]++;

    public void CountSent(bool isInternal, ulong command) => _sent[CommandTags.SlotOf(isInternal, command)]++;

    public void CountResponse(bool isInternal, ulong command) => _responses[CommandTags.SlotOf(isInternal, command)]++;

    public long Received(int slot) => Volatile.Read(ref _received[slot]);

    public long Sent(int slot) => Volatile.Read(ref _sent[slot]);

    public long Responses(int slot) => Volatile.Read(ref _responses[slot]);
}
