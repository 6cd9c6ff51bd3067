// The data plane's router: serves app hosts from a route table the server streams to it.
export {};
