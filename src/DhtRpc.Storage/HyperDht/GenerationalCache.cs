namespace DhtRpc.Storage.HyperDht;

/// <summary>
/// A bounded cache that forgets in generations, as hyperdht's caches do: entries live in the newest
/// generation; when it fills up, or every two thirds of the maximum age, the older generation is
/// dropped and the newest becomes the older one. An entry read from the older generation moves back
/// to the newest. Entries therefore live between 2/3 and 4/3 of the maximum age, and at most about
/// twice the maximum size is held. Retained entries never age out. Time is read from a
/// <see cref="TimeProvider"/> on each call, so there is no timer and simulated time works.
/// </summary>
public sealed class GenerationalCache<TKey, TValue>
    where TKey : notnull
{
    private readonly int _maxSize;
    private readonly GenerationTicker _ticker;
    private Dictionary<TKey, TValue> _latest = [];
    private Dictionary<TKey, TValue> _oldest = [];
    private readonly Dictionary<TKey, TValue> _retained = [];

    /// <summary>A cache of at most <paramref name="maxSize"/> fresh entries that age out after about <paramref name="maxAge"/>.</summary>
    public GenerationalCache(int maxSize, TimeSpan maxAge, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSize, 1);
        ArgumentNullException.ThrowIfNull(time);
        _maxSize = maxSize;
        _ticker = new GenerationTicker(maxAge, time);
    }

    /// <summary>Entries held in every generation.</summary>
    public int Count
    {
        get
        {
            Age();
            return _latest.Count + _oldest.Count + _retained.Count;
        }
    }

    /// <summary>Adds or replaces an entry in the newest generation (a retained entry stays as it is).</summary>
    public void Set(TKey key, TValue value)
    {
        Age();
        if (_retained.ContainsKey(key))
        {
            return;
        }

        _latest[key] = value;
        _oldest.Remove(key);
        if (_latest.Count >= _maxSize)
        {
            Rotate();
            _ticker.NoteRotation();
        }
    }

    /// <summary>Keeps an entry until it is deleted, whatever its age.</summary>
    public void Retain(TKey key, TValue value)
    {
        Age();
        _retained[key] = value;
        _latest.Remove(key);
        _oldest.Remove(key);
    }

    /// <summary>The entry, moving it to the newest generation when it was in the older one.</summary>
    public bool TryGet(TKey key, out TValue value)
    {
        Age();
        if (_latest.TryGetValue(key, out value!) || _retained.TryGetValue(key, out value!))
        {
            return true;
        }

        if (_oldest.Remove(key, out value!))
        {
            _latest[key] = value;
            return true;
        }

        return false;
    }

    /// <summary>Removes an entry from whichever generation holds it.</summary>
    public bool Remove(TKey key)
    {
        Age();
        return _latest.Remove(key) || _oldest.Remove(key) || _retained.Remove(key);
    }

    private void Age()
    {
        for (var due = _ticker.Due(); due > 0; due--)
        {
            Rotate();
        }
    }

    private void Rotate()
    {
        _oldest = _latest;
        _latest = [];
    }
}
