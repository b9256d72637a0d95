using DhtRpc.Hosting.Http;
using DhtRpc.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace DhtRpc.Hosting;

/// <summary>Registers a DHT node, its storage, its metrics and its HTTP API with dependency injection.</summary>
public static class DhtServiceCollectionExtensions
{
    /// <summary>
    /// Adds one node, run by a hosted <see cref="DhtNodeService"/>: options bound from the <c>Dht</c>
    /// configuration section, then <paramref name="configure"/>, checked when the host starts.
    /// </summary>
    public static IServiceCollection AddDhtNode(this IServiceCollection services, Action<DhtHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<DhtHostOptions>().BindConfiguration(DhtHostOptions.Section);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DhtHostOptions>, DhtHostOptionsValidator>());
        Customization(services);
        services.TryAddSingleton(provider => new DhtNodeService(
            provider.GetRequiredService<IOptions<DhtHostOptions>>(),
            provider.GetRequiredService<DhtNodeCustomization>(),
            provider));
        services.AddHostedService(provider => provider.GetRequiredService<DhtNodeService>());
        return services;
    }

    /// <summary>
    /// Edits the hosted node's <see cref="DhtNodeOptions"/> after they are made from configuration:
    /// for what configuration does not carry (a transport, hedging, limits, a filter).
    /// </summary>
    public static IServiceCollection ConfigureDhtNodeOptions(this IServiceCollection services, Func<DhtNodeOptions, DhtNodeOptions> edit)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(edit);
        Customization(services).Add(edit);
        return services;
    }

    /// <summary>
    /// Makes the hosted node serve storage (content and warehouse commands): options bound from the
    /// <c>Dht:Storage</c> section, then <paramref name="configure"/>. The store is SQLite in
    /// <see cref="DhtHostOptions.DataDirectory"/>, or memory without one.
    /// </summary>
    public static IServiceCollection AddDhtStorage(this IServiceCollection services, Action<DhtStorageHostOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<DhtStorageHostOptions>().BindConfiguration(DhtStorageHostOptions.Section);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DhtStorageHostOptions>, DhtStorageHostOptionsValidator>());
        Customization(services).StorageEnabled = true;
        return services;
    }

    /// <summary>Makes the hosted node serve storage, with the options of the <c>Dht:Storage</c> configuration section.</summary>
    public static IServiceCollection AddDhtStorage(this IServiceCollection services) => services.AddDhtStorage((Action<DhtStorageHostOptions>?)null);

    /// <summary>
    /// Makes the hosted node serve storage with exactly <paramref name="options"/> (configuration's
    /// <c>Dht:Storage</c> section is not read for the store then, only for the HTTP limits).
    /// </summary>
    public static IServiceCollection AddDhtStorage(this IServiceCollection services, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddDhtStorage((Action<DhtStorageHostOptions>?)null);
        Customization(services).Storage = options;
        return services;
    }

    /// <summary>
    /// Exports the node's and storage's meters through OpenTelemetry, in Prometheus text at the
    /// <c>/metrics</c> endpoint that <see cref="DhtEndpointRouteBuilderExtensions.MapDhtApi"/> maps.
    /// </summary>
    public static IServiceCollection AddDhtMetrics(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(DhtMetrics.MeterName, StorageMetrics.MeterName)
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>Adds what the HTTP API needs: the health check of the node and the content endpoints' per-address rate limit.</summary>
    /// <param name="services">The services.</param>
    /// <param name="contentRequestsPerSecond">Content requests one client address may make per second (429 beyond; twice as many in a burst).</param>
    public static IServiceCollection AddDhtHttpApi(this IServiceCollection services, int contentRequestsPerSecond = 20)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentOutOfRangeException.ThrowIfLessThan(contentRequestsPerSecond, 1);
        services.AddHealthChecks().AddCheck<DhtHealthCheck>("dht");
        services.TryAddSingleton(_ => new ContentEndpoints(contentRequestsPerSecond));
        return services;
    }

    private static DhtNodeCustomization Customization(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(DhtNodeCustomization))?.ImplementationInstance is DhtNodeCustomization existing)
        {
            return existing;
        }

        var created = new DhtNodeCustomization();
        services.AddSingleton(created);
        return created;
    }
}
