using DhtRpc.Wire;
using Microsoft.Extensions.Options;

namespace DhtRpc.Hosting;

/// <summary>Checks the node's options at start and says, per mistake, what is wrong in one sentence.</summary>
internal sealed class DhtHostOptionsValidator : IValidateOptions<DhtHostOptions>
{
    public ValidateOptionsResult Validate(string? name, DhtHostOptions options)
    {
        var problems = new List<string>();
        if (!Ipv4Endpoint.TryParseHost(options.Host, out _))
        {
            problems.Add($"Dht:Host '{options.Host}' is not an IPv4 address.");
        }

        if (options.Port is < 0 or > 65535)
        {
            problems.Add($"Dht:Port {options.Port} is not a valid UDP port (0-65535).");
        }

        foreach (var entry in options.Bootstrap)
        {
            if (!BootstrapEntry.TryParse(entry, out _))
            {
                problems.Add($"Dht:Bootstrap entry '{entry}' is not host:port (or a bare port).");
            }
        }

        if (!options.Bootstrapper && options.Bootstrap.Count == 0)
        {
            problems.Add("Dht:Bootstrap is empty: a node that is not a bootstrapper needs at least one host:port to join through.");
        }

        if (options.PeerSaveInterval <= TimeSpan.Zero)
        {
            problems.Add($"Dht:PeerSaveInterval {options.PeerSaveInterval} must be positive.");
        }

        if (options.SavedPeers < 1)
        {
            problems.Add($"Dht:SavedPeers {options.SavedPeers} must be at least 1.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>Checks the storage options at start.</summary>
internal sealed class DhtStorageHostOptionsValidator : IValidateOptions<DhtStorageHostOptions>
{
    public ValidateOptionsResult Validate(string? name, DhtStorageHostOptions options)
    {
        var problems = new List<string>();
        if (options.RecordTtl <= TimeSpan.Zero)
        {
            problems.Add($"Dht:Storage:RecordTtl {options.RecordTtl} must be positive.");
        }

        if (options.RepublishInterval <= TimeSpan.Zero || options.RepublishInterval >= options.RecordTtl)
        {
            problems.Add($"Dht:Storage:RepublishInterval {options.RepublishInterval} must be positive and shorter than RecordTtl ({options.RecordTtl}), or records lapse before they are pushed again.");
        }

        if (options.MaxBytes < 1 || options.MaxItems < 1 || options.MaxBytesPerSource < 1 || options.MaxItemsPerSource < 1)
        {
            problems.Add("Dht:Storage:MaxBytes, MaxItems, MaxBytesPerSource and MaxItemsPerSource must be at least 1.");
        }

        if (options.MaxHttpContentBytes < 1)
        {
            problems.Add($"Dht:Storage:MaxHttpContentBytes {options.MaxHttpContentBytes} must be at least 1.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
