using DhtRpc.Wire;
using DhtRpc.Nat;
using Xunit;

namespace DhtRpc.Tests.Nat;

public sealed class NatSamplerTests
{
    private const uint X = 0x0A000001; // 10.0.0.1
    private const uint Y = 0xC0A80107; // 192.168.1.7

    private static void Add(NatSampler sampler, uint host, int port, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            sampler.Add(host, port);
        }
    }

    [Fact]
    public void StartsUnknown()
    {
        var sampler = new NatSampler();

        Assert.Null(sampler.Host);
        Assert.Equal(0, sampler.Port);
        Assert.Null(sampler.Estimate);
        Assert.False(sampler.Randomized);
        Assert.Equal(0, sampler.Size);
        Assert.Equal(0, sampler.Threshold);
    }

    [Fact]
    public void OneSampleIsEnough()
    {
        var sampler = new NatSampler();
        sampler.Add(new Ipv4Endpoint(X, 4000));

        Assert.Equal(1, sampler.Size);
        Assert.Equal(1, sampler.Threshold);
        Assert.Equal(X, sampler.Host);
        Assert.Equal(4000, sampler.Port);
        Assert.Equal(new Ipv4Endpoint(X, 4000), sampler.Estimate);
        Assert.False(sampler.Randomized);
    }

    [Fact]
    public void ThresholdFollowsSize()
    {
        var sampler = new NatSampler();
        int[] thresholds = [1, 2, 3, 3, 4, 5, 6, 6, 7, 8, 9, 9, 10, 11, 12, 13, 13, 13, 13, 13];
        for (var i = 0; i < thresholds.Length; i++)
        {
            sampler.Add(X, 4000);
            Assert.Equal(Math.Min(i + 1, 16), sampler.Size);
            Assert.Equal(thresholds[i], sampler.Threshold);
            Assert.Equal(new Ipv4Endpoint(X, 4000), sampler.Estimate);
        }
    }

    [Fact]
    public void AlternatingPortsMeanRandomizedNat()
    {
        var sampler = new NatSampler();

        sampler.Add(X, 1000);
        Assert.Equal(new Ipv4Endpoint(X, 1000), sampler.Estimate);
        Assert.False(sampler.Randomized);

        // From the second sample on, each port has about half the hits but the host has them all.
        for (var i = 1; i < 40; i++)
        {
            sampler.Add(X, i % 2 == 0 ? 1000 : 2000);
            Assert.Equal(X, sampler.Host);
            Assert.Equal(0, sampler.Port);
            Assert.True(sampler.Randomized);
            Assert.Equal(new Ipv4Endpoint(X, 0), sampler.Estimate);
        }
    }

    [Fact]
    public void DifferentHostsGiveNoEstimate()
    {
        var sampler = new NatSampler();
        sampler.Add(X, 1000);
        sampler.Add(Y, 1000);

        Assert.Equal(2, sampler.Threshold);
        Assert.Null(sampler.Estimate);
        Assert.Null(sampler.Host);
        Assert.False(sampler.Randomized);
    }

    [Fact]
    public void MatchesOnlyWithinTheLastFourSamples()
    {
        // Ring full of (X,1000); then 3 reports of (Y,2000): the (X,1000) report after them still finds
        // its shared sample 4 reports back and keeps 13 hits, reaching the threshold.
        var near = new NatSampler();
        Add(near, X, 1000, 16);
        Add(near, Y, 2000, 3);
        Assert.Equal(new Ipv4Endpoint(X, 1000), near.Estimate); // 13 hits left
        near.Add(X, 1000);
        Assert.Equal(new Ipv4Endpoint(X, 1000), near.Estimate);

        // With 4 reports in between, the old sample is 5 reports back: the new report starts a new
        // sample with 1 hit while the old one has dropped to 11.
        var far = new NatSampler();
        Add(far, X, 1000, 16);
        Add(far, Y, 2000, 4);
        Assert.Null(far.Estimate); // 12 hits left, for both the exact and the host-only sample
        far.Add(X, 1000);
        Assert.Null(far.Estimate);
        far.Add(X, 1000);
        Assert.Null(far.Estimate);
    }

    [Fact]
    public void FortyReportsWithRingWraparound()
    {
        // Expected values worked out by hand from the sampler rules. The ring holds the last 16
        // reports; it wraps at report 17 and again at report 33. A hit count is the number of ring
        // slots holding that shared sample. Per report: host, port, expected size, threshold,
        // estimated host (null = unknown) and estimated port.
        (uint Host, int Port, int Size, int Threshold, uint? EstHost, int EstPort)[] steps =
        [
            // 1-4: (X,1000) reaches every threshold.
            (X, 1000, 1, 1, X, 1000),
            (X, 1000, 2, 2, X, 1000),
            (X, 1000, 3, 3, X, 1000),
            (X, 1000, 4, 3, X, 1000),

            // 5: (Y,2000) starts new samples; (X,1000) still has 4 hits = threshold.
            (Y, 2000, 5, 4, X, 1000),

            // 6-16: neither (X,1000) (4 hits) nor (Y,2000) (up to 12) keeps up with the threshold.
            (Y, 2000, 6, 5, null, 0),
            (Y, 2000, 7, 6, null, 0),
            (Y, 2000, 8, 6, null, 0),
            (Y, 2000, 9, 7, null, 0),   // (Y,2000) 5 hits becomes the best exact sample
            (Y, 2000, 10, 8, null, 0),
            (Y, 2000, 11, 9, null, 0),
            (Y, 2000, 12, 9, null, 0),  // 8 hits
            (Y, 2000, 13, 10, null, 0),
            (Y, 2000, 14, 11, null, 0),
            (Y, 2000, 15, 12, null, 0),
            (Y, 2000, 16, 13, null, 0), // 12 hits; the ring is full

            // 17: wraps, overwriting report 1: (Y,2000) 13 hits = threshold.
            (Y, 2000, 16, 13, Y, 2000),
            (Y, 2000, 16, 13, Y, 2000),
            (Y, 2000, 16, 13, Y, 2000),
            (Y, 2000, 16, 13, Y, 2000), // 16 hits, (X,1000) down to 0

            // 21-23: new port; (Y,2000) loses one hit per report: 15, 14, 13.
            (Y, 3000, 16, 13, Y, 2000),
            (Y, 3000, 16, 13, Y, 2000),
            (Y, 3000, 16, 13, Y, 2000),

            // 24-32: (Y,2000) below threshold, host Y still has all 16 hits: randomized.
            (Y, 3000, 16, 13, Y, 0),
            (Y, 3000, 16, 13, Y, 0),
            (Y, 3000, 16, 13, Y, 0),
            (Y, 3000, 16, 13, Y, 0),
            (Y, 3000, 16, 13, Y, 0),    // 28: 8 hits each, the best stays (Y,2000)
            (Y, 3000, 16, 13, Y, 0),    // 29: (Y,3000) 9 > 7 becomes the best
            (Y, 3000, 16, 13, Y, 0),
            (Y, 3000, 16, 13, Y, 0),
            (Y, 3000, 16, 13, Y, 0),    // 32: 12 hits

            // 33: wraps again; (Y,3000) 13 hits.
            (Y, 3000, 16, 13, Y, 3000),

            // 34-36: host X returns with new samples; they only replace (Y,2000) slots.
            (X, 1000, 16, 13, Y, 3000),
            (X, 1000, 16, 13, Y, 3000),
            (X, 1000, 16, 13, Y, 3000),

            // 37-38: (Y,3000) found 4 reports back, gains one and loses one: stays at 13.
            (Y, 3000, 16, 13, Y, 3000),
            (Y, 3000, 16, 13, Y, 3000),

            // 39-40: (X,1000) replaces (Y,3000) slots: 12, then 11; host Y also 12, then 11.
            (X, 1000, 16, 13, null, 0),
            (X, 1000, 16, 13, null, 0),
        ];

        var sampler = new NatSampler();
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            sampler.Add(step.Host, step.Port);
            var actual = (sampler.Size, sampler.Threshold, sampler.Host, sampler.Port);
            Assert.True(
                (step.Size, step.Threshold, step.EstHost, step.EstPort) == actual,
                $"report {i + 1}: expected {(step.Size, step.Threshold, step.EstHost, step.EstPort)}, got {actual}");
            Assert.Equal(step.EstHost is not null && step.EstPort == 0, sampler.Randomized);
        }

        Assert.Equal(40, steps.Length);
    }
}
