using System.Diagnostics.Metrics;

namespace DhtRpc.Testing;

/// <summary>
/// Listens to every instrument of one meter: <see cref="Collect"/> reads the observed instruments now,
/// and what the recorded instruments (histograms) reported piles up in <see cref="Recorded"/>.
/// </summary>
public sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private readonly List<Instrument> _instruments = [];
    private readonly List<Reading> _observed = [];
    private readonly List<Reading> _recorded = [];

    public MeterRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == meter)
            {
                lock (_lock)
                {
                    _instruments.Add(instrument);
                }

                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The instruments the meter has published.</summary>
    public IReadOnlyList<Instrument> Instruments
    {
        get
        {
            lock (_lock)
            {
                return [.. _instruments];
            }
        }
    }

    /// <summary>Every measurement a recorded (not observed) instrument reported so far.</summary>
    public IReadOnlyList<Reading> Recorded(string instrument)
    {
        lock (_lock)
        {
            return [.. _recorded.Where(r => r.Instrument == instrument)];
        }
    }

    /// <summary>Reads every observed instrument now, replacing what the last collection read.</summary>
    public void Collect()
    {
        lock (_lock)
        {
            _observed.Clear();
        }

        _listener.RecordObservableInstruments();
    }

    /// <summary>
    /// The sum of what the last <see cref="Collect"/> read from <paramref name="instrument"/>, over the
    /// series whose tags include every one of <paramref name="tags"/> (tag values compared as text).
    /// </summary>
    public double Value(string instrument, params (string Key, object Value)[] tags)
    {
        lock (_lock)
        {
            return _observed.Where(r => r.Instrument == instrument && tags.All(r.Has)).Sum(r => r.Value);
        }
    }

    /// <summary>The series the last <see cref="Collect"/> read from <paramref name="instrument"/>.</summary>
    public IReadOnlyList<Reading> Observed(string instrument)
    {
        lock (_lock)
        {
            return [.. _observed.Where(r => r.Instrument == instrument)];
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var reading = new Reading(instrument.Name, value, tags.ToArray());
        lock (_lock)
        {
            (instrument.IsObservable ? _observed : _recorded).Add(reading);
        }
    }

    /// <summary>One measurement: the instrument's name, the value and its tags.</summary>
    public sealed record Reading(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)
    {
        public bool Has((string Key, object Value) tag) =>
            Tags.Any(t => t.Key == tag.Key && Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture) == Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture));

        public object? Tag(string key) => Tags.FirstOrDefault(t => t.Key == key).Value;
    }
}
