using System.Linq.Expressions;
using System.Reflection;

namespace Reev.Cluster.Runtime.Messaging;

/// <summary>A grain interface method as the wire sees it.</summary>
internal sealed class GrainMethod
{
    public required MethodInfo Method { get; init; }

    public required string WireName { get; init; }

    /// <summary>Types of the sent arguments (the CancellationToken, if any, is not sent).</summary>
    public required Type[] ArgumentTypes { get; init; }

    /// <summary>Index of the CancellationToken parameter, or -1.</summary>
    public required int CancellationTokenIndex { get; init; }

    /// <summary>Null for one-way methods (returning Task); the T of Task&lt;T&gt; for asks.</summary>
    public required Type? ResultType { get; init; }

    public bool IsAsk => ResultType is not null;

    /// <summary>
    /// Whether every sent argument is of an immutable type (<see cref="ImmutableAttribute"/>, strings, numbers, enums,
    /// dates), so that a turn in the same process may receive the sender's instances rather than a copy from JSON.
    /// </summary>
    public bool SharesArguments => _sharesArguments ??= ArgumentTypes.All(IsImmutable);

    private bool? _sharesArguments;

    /// <summary>The method's parameters (cached: <see cref="MethodBase.GetParameters"/> copies its array on every call).</summary>
    public ParameterInfo[] Parameters => field ??= Method.GetParameters();

    /// <summary>Calls the method on a grain with its arguments: a compiled delegate, not <see cref="MethodBase.Invoke(object, object[])"/>.</summary>
    public Func<object, object?[], Task> Invoker => field ??= CompileInvoker(Method, Parameters);

    /// <summary>Reads the result of a finished ask's Task&lt;T&gt;; null for one-way methods.</summary>
    public Func<Task, object?>? ResultReader => ResultType is null ? null : field ??= CompileResultReader(ResultType);

    private static bool IsImmutable(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTimeOffset)
            || type == typeof(DateTime) || type == typeof(TimeSpan) || type == typeof(Guid)
            || type.IsDefined(typeof(ImmutableAttribute), inherit: false);
    }

    private static Func<object, object?[], Task> CompileInvoker(MethodInfo method, ParameterInfo[] parameters)
    {
        var target = Expression.Parameter(typeof(object), "grain");
        var args = Expression.Parameter(typeof(object?[]), "args");
        var call = Expression.Call(
            Expression.Convert(target, method.DeclaringType!),
            method,
            parameters.Select((p, i) => Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType)));
        return Expression.Lambda<Func<object, object?[], Task>>(Expression.Convert(call, typeof(Task)), target, args).Compile();
    }

    private static Func<Task, object?> CompileResultReader(Type resultType)
    {
        var task = Expression.Parameter(typeof(Task), "task");
        var result = Expression.Property(Expression.Convert(task, typeof(Task<>).MakeGenericType(resultType)), "Result");
        return Expression.Lambda<Func<Task, object?>>(Expression.Convert(result, typeof(object)), task).Compile();
    }
}
