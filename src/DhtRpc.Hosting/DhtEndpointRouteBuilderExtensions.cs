using DhtRpc.Hosting.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;

namespace DhtRpc.Hosting;

/// <summary>Maps the node's HTTP API and dashboard (docs/http-api.md lists every route).</summary>
public static class DhtEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>/status</c>, <c>/routing</c>, <c>/stats</c>, <c>/health</c>, <c>/warehouse/items</c>,
    /// <c>/warehouse/items/{key}</c>, <c>GET</c>/<c>PUT /content/{hash}</c> and, with
    /// <see cref="DhtServiceCollectionExtensions.AddDhtMetrics"/>, <c>/metrics</c>. Needs
    /// <see cref="DhtServiceCollectionExtensions.AddDhtNode"/> and <see cref="DhtServiceCollectionExtensions.AddDhtHttpApi"/>.
    /// </summary>
    public static IEndpointRouteBuilder MapDhtApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/status", With(NodeEndpoints.StatusAsync));
        endpoints.MapGet("/routing", With(NodeEndpoints.RoutingAsync));
        endpoints.MapGet("/stats", With(NodeEndpoints.StatsAsync));
        endpoints.MapGet("/warehouse/items", With(WarehouseEndpoints.ListAsync));
        endpoints.MapGet("/warehouse/items/{key}", With(WarehouseEndpoints.ItemAsync));
        endpoints.MapGet("/content/{hash}", context => Content(context).GetAsync(context, Service(context)));
        endpoints.MapPut("/content/{hash}", context => Content(context).PutAsync(context, Service(context)));
        endpoints.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = HealthReply.WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        if (endpoints.ServiceProvider.GetService<MeterProvider>() is not null)
        {
            endpoints.MapPrometheusScrapingEndpoint("/metrics");
        }

        return endpoints;
    }

    /// <summary>Maps the dashboard at <c>/</c> (with its script and style sheet): a page reading the API above.</summary>
    public static IEndpointRouteBuilder MapDhtDashboard(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/", context => DashboardFiles.WriteAsync(context, "index.html", "text/html; charset=utf-8"));
        endpoints.MapGet("/dashboard.js", context => DashboardFiles.WriteAsync(context, "dashboard.js", "text/javascript; charset=utf-8"));
        endpoints.MapGet("/dashboard.css", context => DashboardFiles.WriteAsync(context, "dashboard.css", "text/css; charset=utf-8"));
        return endpoints;
    }

    private static RequestDelegate With(Func<HttpContext, DhtNodeService, Task> handler) => context => handler(context, Service(context));

    private static DhtNodeService Service(HttpContext context) => context.RequestServices.GetRequiredService<DhtNodeService>();

    private static ContentEndpoints Content(HttpContext context) => context.RequestServices.GetRequiredService<ContentEndpoints>();
}
