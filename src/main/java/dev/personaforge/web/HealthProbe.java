package dev.personaforge.web;
public class HealthProbe {}
