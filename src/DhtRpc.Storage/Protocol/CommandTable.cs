using DhtRpc.Rpc;

namespace DhtRpc.Storage.Protocol;

/// <summary>
/// Routes user commands to handlers; a protocol family is a set of entries. Commands without an entry
/// go to the fallback (the content store answers them like GET).
/// </summary>
public sealed class CommandTable
{
    private readonly Dictionary<ulong, Action<IncomingRequest>> _handlers = [];

    public Action<IncomingRequest>? Fallback { get; set; }

    public IReadOnlyCollection<ulong> Commands => _handlers.Keys;

    public void Set(ulong command, Action<IncomingRequest> handler) => _handlers[command] = handler;

    public bool Remove(ulong command) => _handlers.Remove(command);

    public void Dispatch(IncomingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_handlers.TryGetValue(request.Command, out var handler))
        {
            handler(request);
        }
        else if (Fallback is { } fallback)
        {
            fallback(request);
        }
        else
        {
            request.Error(ErrorCodes.UnknownCommand);
        }
    }
}
