using DhtRpc.Wire;
using DhtRpc.Storage.Protocol;

namespace DhtRpc.Storage.Client;

/// <summary>A node answered a storage request with an error code (nothing was stored or deleted there).</summary>
public sealed class StorageRefusedException : Exception
{
    public StorageRefusedException()
    {
    }

    public StorageRefusedException(string message)
        : base(message)
    {
    }

    public StorageRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StorageRefusedException(ulong code, Ipv4Endpoint node)
        : base($"{node} refused: {StorageErrors.Describe(code)} (error {code}).")
    {
        Code = code;
        Node = node;
    }

    public ulong Code { get; }

    public Ipv4Endpoint Node { get; }
}
