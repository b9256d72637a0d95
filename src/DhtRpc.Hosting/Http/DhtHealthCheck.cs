using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DhtRpc.Hosting.Http;

/// <summary>
/// Healthy once the node has joined and is online; degraded when its requests mostly time out or it
/// lost the network; unhealthy before it joined or after it stopped.
/// </summary>
internal sealed class DhtHealthCheck(DhtNodeService service) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (service.Host is not { Node: var node } || node.Destroyed)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The node is not running."));
        }

        var data = new Dictionary<string, object>
        {
            ["bootstrapped"] = node.Bootstrapped,
            ["online"] = node.Online,
            ["degraded"] = node.Degraded,
        };
        if (!node.Bootstrapped)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The node has not joined the network yet.", data: data));
        }

        if (!node.Online)
        {
            return Task.FromResult(HealthCheckResult.Degraded("The node is offline: its requests get no answers.", data: data));
        }

        return Task.FromResult(node.Degraded
            ? HealthCheckResult.Degraded("Most of the node's requests time out.", data: data)
            : HealthCheckResult.Healthy("Joined and online.", data));
    }
}
