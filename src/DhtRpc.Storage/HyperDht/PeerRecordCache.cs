using DhtRpc.Wire;

namespace DhtRpc.Storage.HyperDht;

/// <summary>
/// The peer records announced under each topic, one per public key, forgotten in two generations like
/// <see cref="GenerationalCache{TKey,TValue}"/>: a fresh one that a re-announce refreshes, and a stale one
/// that is dropped every two thirds of the maximum age or when the fresh one outgrows the maximum size.
/// </summary>
public sealed class PeerRecordCache
{
    private readonly int _maxSize;
    private readonly GenerationTicker _ticker;
    private readonly Random _random;
    private Generation _fresh = new();
    private Generation _stale = new();

    /// <summary>A cache of at most <paramref name="maxSize"/> fresh records, aging out after about <paramref name="maxAge"/>.</summary>
    public PeerRecordCache(int maxSize, TimeSpan maxAge, TimeProvider time, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSize, 1);
        ArgumentNullException.ThrowIfNull(time);
        _maxSize = maxSize;
        _ticker = new GenerationTicker(maxAge, time);
        _random = random ?? Random.Shared;
    }

    /// <summary>Records held in both generations.</summary>
    public int Count
    {
        get
        {
            Age();
            return _fresh.Size + _stale.Size;
        }
    }

    /// <summary>Adds (or refreshes) the record of <paramref name="publicKey"/> under <paramref name="topic"/>.</summary>
    public void Add(NodeId topic, NodeId publicKey, byte[] record)
    {
        Age();
        _stale.Remove(topic, publicKey);
        if (_fresh.Add(topic, publicKey, record) && _fresh.Size > _maxSize)
        {
            Rotate();
            _ticker.NoteRotation();
        }
    }

    /// <summary>Removes the record of <paramref name="publicKey"/> under <paramref name="topic"/>.</summary>
    public void Remove(NodeId topic, NodeId publicKey)
    {
        Age();
        _fresh.Remove(topic, publicKey);
        _stale.Remove(topic, publicKey);
    }

    /// <summary>Up to <paramref name="count"/> records of the topic, chosen at random.</summary>
    public List<byte[]> Get(NodeId topic, int count)
    {
        Age();
        var pool = new List<byte[]>();
        _fresh.CopyTo(topic, pool);
        _stale.CopyTo(topic, pool);
        for (var i = 0; i < Math.Min(count, pool.Count); i++)
        {
            var j = _random.Next(i, pool.Count);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }

        if (pool.Count > count)
        {
            pool.RemoveRange(count, pool.Count - count);
        }

        return pool;
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
        _stale = _fresh;
        _fresh = new Generation();
    }

    /// <summary>One generation: topic → (public key → record), with a count of all records.</summary>
    private sealed class Generation
    {
        private readonly Dictionary<NodeId, Dictionary<NodeId, byte[]>> _topics = [];

        public int Size { get; private set; }

        public bool Add(NodeId topic, NodeId publicKey, byte[] record)
        {
            if (!_topics.TryGetValue(topic, out var records))
            {
                records = [];
                _topics[topic] = records;
            }

            if (records.ContainsKey(publicKey))
            {
                return false;
            }

            records[publicKey] = record;
            Size++;
            return true;
        }

        public void Remove(NodeId topic, NodeId publicKey)
        {
            if (_topics.TryGetValue(topic, out var records) && records.Remove(publicKey))
            {
                Size--;
                if (records.Count == 0)
                {
                    _topics.Remove(topic);
                }
            }
        }

        public void CopyTo(NodeId topic, List<byte[]> into)
        {
            if (_topics.TryGetValue(topic, out var records))
            {
                into.AddRange(records.Values);
            }
        }
    }
}
