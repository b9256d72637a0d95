using DhtRpc.Rpc;

namespace DhtRpc.Storage.Protocol;

/// <summary>
/// Routes user commands to handlers; a protocol family is a set of entries. Commands without an entry
/// go to the fallback when one is set (the study's storage node answers them like GET), else get UNKNOWN_COMMAND.
/// </summary>
public sealed class CommandTable
{
    private readonly Dictionary<ulong, Action<IncomingRequest>> _handlers = [];

    /// <summary>Handles commands without an entry; when null they are answered with the unknown-command error.</summary>
    public Action<IncomingRequest>? Fallback { get; set; }

    /// <summary>The commands that have an entry.</summary>
    public IReadOnlyCollection<ulong> Commands => _handlers.Keys;

    /// <summary>Routes <paramref name="command"/> to <paramref name="handler"/>, replacing any entry it had.</summary>
    public void Set(ulong command, Action<IncomingRequest> handler) => _handlers[command] = handler;

    /// <summary>Removes the entry of <paramref name="command"/>; false when it had none.</summary>
    public bool Remove(ulong command) => _handlers.Remove(command);

    /// <summary>Hands <paramref name="request"/> to its command's handler, else to the fallback, else refuses it as an unknown command.</summary>
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
