using DhtRpc.Wire;
using DhtRpc.Storage.Protocol;

namespace DhtRpc.Storage.Client;

/// <summary>A node answered a storage request with an error code (nothing was stored or deleted there).</summary>
public sealed class StorageRefusedException : StorageException
{
    /// <summary>A refusal with the default message.</summary>
    public StorageRefusedException()
        : base(StorageErrorCode.Refused, null, null)
    {
    }

    /// <summary>A refusal described by <paramref name="message"/> (no error code was received).</summary>
    public StorageRefusedException(string message)
        : base(StorageErrorCode.Refused, message, null)
    {
    }

    /// <summary>A refusal described by <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public StorageRefusedException(string message, Exception innerException)
        : base(StorageErrorCode.Refused, message, innerException)
    {
    }

    /// <summary>The refusal <paramref name="node"/> sent: error <paramref name="code"/> (see <see cref="StorageErrors"/>).</summary>
    public StorageRefusedException(ulong code, Ipv4Endpoint node)
        : base(StorageErrorCode.Refused, Describe(code, node), null)
    {
        Code = code;
        Node = node;
    }

    /// <summary>The error code the node replied with (see <see cref="StorageErrors"/>); 0 when none was received.</summary>
    /// <remarks>Hides <see cref="StorageException.Code"/>, which is <see cref="StorageErrorCode.Refused"/> here.</remarks>
    public new ulong Code { get; }

    /// <summary>The node that refused.</summary>
    public Ipv4Endpoint Node { get; }

    /// <summary>The one sentence that says <paramref name="node"/> refused with <paramref name="code"/>.</summary>
    internal static string Describe(ulong code, Ipv4Endpoint node) => $"{node} refused: {StorageErrors.Describe(code)} (error {code}).";
}
