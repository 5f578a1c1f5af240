create table socket_mode_greeting (id int primary key, text varchar(40));
insert into socket_mode_greeting values (1, 'through the channel');
