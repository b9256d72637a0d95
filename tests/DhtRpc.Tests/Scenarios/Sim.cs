using Xunit;

namespace DhtRpc.Tests.Scenarios;

/// <summary>Helpers for awaiting inside a simulation run.</summary>
internal static class Sim
{
    /// <summary>
    /// The exception <paramref name="task"/> fails with. The await resumes on the simulation loop (not on
    /// the thread pool, as a ConfigureAwait(false) helper would), so the run stays deterministic.
    /// </summary>
    public static async Task<DhtException> FailureOfAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (DhtException e)
        {
            return e;
        }

        Assert.Fail("expected the task to fail with a DhtException");
        throw new InvalidOperationException();
    }
}
