namespace Metering.Tests.Http.BadInput;

/// <summary>
/// Generates bad requests for every route: first each bad input of each route once
/// (systematic), then random combinations of bad inputs from distinct slots until the count is
/// reached. Seeded: the same seed and targets give the same requests. Every request is invalid
/// on purpose, for a stated reason, so none of them may change anything.
/// </summary>
internal sealed class BadInputGenerator
{
    private static readonly Mutation PerEvent = new("batch", "events", "a well-formed batch", Stage.PerEvent, null, _ => { });
    private static readonly Mutation ForbiddenTenant = new("auth", "auth", "tenant out of the key's prefix", Stage.LatePrefix, null, _ => { });

    private readonly Random _random;
    private readonly Targets _targets;
    private readonly RouteSpec _eventRoute;
    private readonly IReadOnlyList<Mutation> _eventMutations;
    private int _serial;

    public BadInputGenerator(Targets targets, int seed)
    {
        _targets = targets;
        _random = new Random(seed);
        Routes = RouteCatalog.All(targets);
        Mutations = Routes.ToDictionary<RouteSpec, RouteSpec, IReadOnlyList<Mutation>>(r => r, MutationCatalog.For, ReferenceEqualityComparer.Instance);
        _eventRoute = Routes.Single(r => r.Pattern == "/v1/usage-events");
        _eventMutations = MutationCatalog.ForEvent(RouteCatalog.EventFields(targets));
    }

    public IReadOnlyList<RouteSpec> Routes { get; }

    public IReadOnlyDictionary<RouteSpec, IReadOnlyList<Mutation>> Mutations { get; }

    /// <summary>The systematic requests, then random ones until there are at least <paramref name="count"/>.</summary>
    public List<BadRequest> Generate(int count)
    {
        var requests = Systematic().ToList();
        while (requests.Count < count)
        {
            requests.Add(RandomRequest());
        }

        return requests;
    }

    /// <summary>Each bad input of each route once; each neutral one (a content type, chunked) with a few bad ones; each bad event in a batch of its own.</summary>
    public IEnumerable<BadRequest> Systematic()
    {
        foreach (var route in Routes)
        {
            var all = Mutations[route];
            var breaking = all.Where(m => !m.Neutral).ToList();
            var combinable = breaking.Where(m => !m.Alone).ToList();
            foreach (var mutation in breaking)
            {
                yield return Build(route, [mutation]);
            }

            foreach (var neutral in all.Where(m => m.Neutral))
            {
                for (int i = 0; i < 4; i++)
                {
                    yield return Build(route, [neutral, combinable[_random.Next(combinable.Count)]]);
                }
            }

            if (route.Body is { IsBatch: true })
            {
                foreach (var mutation in _eventMutations)
                {
                    yield return Build(route, [], [[mutation]]);
                }

                var acme = breaking.Single(m => m.Stage == Stage.PerEvent);
                for (int events = 1; events <= 3; events++)
                {
                    yield return Build(route, [acme], [.. Enumerable.Repeat<IReadOnlyList<Mutation>>([], events)]);
                }
            }
        }
    }

    /// <summary>One to three bad inputs of one random route, from distinct slots.</summary>
    public BadRequest RandomRequest()
    {
        var route = Routes[_random.Next(Routes.Count)];
        var all = Mutations[route];
        var breaking = all.Where(m => !m.Neutral).ToList();
        var chosen = new List<Mutation>();
        // A batch is often broken by its events alone (answered 200 with a problem per event);
        // every other request needs a bad input of its own.
        bool eventsOnly = route.Body is { IsBatch: true } && _random.NextDouble() < 0.3;
        if (!eventsOnly)
        {
            chosen.Add(breaking[_random.Next(breaking.Count)]);
        }

        int wanted = _random.NextDouble() switch { < 0.45 => 1, < 0.8 => 2, _ => 3 };
        for (int attempt = 0; attempt < 10 && chosen.Count < wanted; attempt++)
        {
            var candidate = all[_random.Next(all.Count)];
            bool fits = chosen.All(m => m.Slot != candidate.Slot)
                && (candidate.Neutral || (!eventsOnly && !candidate.Alone && chosen.All(m => !m.Alone)));
            if (fits)
            {
                chosen.Add(candidate);
            }
        }

        return Build(route, chosen);
    }

    private BadRequest Build(RouteSpec route, IReadOnlyList<Mutation> mutations, IReadOnlyList<IReadOnlyList<Mutation>>? events = null)
    {
        var draft = Base(route, ++_serial);
        foreach (var mutation in mutations)
        {
            mutation.Apply(draft);
            draft.Mutations.Add(mutation);
        }

        bool eventsSent = draft.Events is not null && draft.Members is not null && draft.Members.Any(m => m.Value is null)
            && draft.BodyOverride is null && !draft.NoContent;
        if (!eventsSent)
        {
            draft.Events = null;
            return new BadRequest(draft.Serial, draft, Expectation.Of(draft.Mutations));
        }

        events ??= RandomEvents(draft.EventsForbidden);
        for (int i = 0; i < events.Count; i++)
        {
            draft.Events!.Add(Event(draft.Serial, i, events[i]));
        }

        if (!draft.EventsForbidden && draft.Events!.Any(e => e.Mutations.Count == 0))
        {
            throw new InvalidOperationException("a batch may hold a valid event only when the key cannot reach its tenant");
        }

        var perEvent = draft.Events!.Select(e => Expectation.Of(draft.EventsForbidden ? [.. e.Mutations, ForbiddenTenant] : e.Mutations)).ToList();
        // A malformed token in an event breaks the whole body, not just that event.
        var lifted = draft.Events!.SelectMany(e => e.Mutations).Where(m => m.Stage <= Stage.Parse);
        return new BadRequest(draft.Serial, draft, Expectation.Of([.. draft.Mutations, PerEvent, .. lifted], perEvent));
    }

    private List<IReadOnlyList<Mutation>> RandomEvents(bool mayBeValid)
    {
        var events = new List<IReadOnlyList<Mutation>>();
        int count = 1 + _random.Next(3);
        for (int i = 0; i < count; i++)
        {
            if (mayBeValid && _random.NextDouble() < 0.5)
            {
                events.Add([]);
                continue;
            }

            var first = _eventMutations[_random.Next(_eventMutations.Count)];
            var second = _eventMutations[_random.Next(_eventMutations.Count)];
            bool pair = _random.NextDouble() < 0.4 && first.Slot != second.Slot && first.Slot != "element" && second.Slot != "element";
            events.Add(pair ? [first, second] : [first]);
        }

        return events;
    }

    private EventDraft Event(int serial, int index, IReadOnlyList<Mutation> mutations)
    {
        var fields = RouteCatalog.EventFields(_targets);
        var ev = new EventDraft { Members = [.. fields.Select(f => new Member(BadValue.Utf8($"\"{f.Name}\""), BadValue.Utf8(f.Base((serial * 10) + index))))] };
        foreach (var mutation in mutations)
        {
            var scratch = new Draft(_eventRoute, serial) { Members = ev.Members };
            mutation.Apply(scratch);
            ev.Raw = scratch.BodyOverride ?? ev.Raw;
            ev.Mutations.Add(mutation);
        }

        return ev;
    }

    private static Draft Base(RouteSpec route, int serial)
    {
        var draft = new Draft(route, serial);
        foreach (var parameter in route.Path)
        {
            draft.PathValues[parameter.Name] = parameter.Value;
        }

        draft.Query.AddRange(route.BaseQuery ?? []);
        if (route.Body is { IsBatch: true })
        {
            draft.Members = [new Member(BadValue.Utf8("\"events\""), null)];
            draft.Events = [];
        }
        else if (route.Body is { } body)
        {
            draft.Members = [.. body.Fields.Select(f => new Member(BadValue.Utf8($"\"{f.Name}\""), BadValue.Utf8(f.Base(serial))))];
        }
        else
        {
            draft.ContentType = null;
        }

        return draft;
    }
}
