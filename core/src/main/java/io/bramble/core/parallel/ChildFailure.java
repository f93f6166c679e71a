package io.bramble.core.parallel;

/** A child application that failed, as a failure-tolerant reduce sees it. */
public record ChildFailure(int index, String appId, String errorType, String message) {}
